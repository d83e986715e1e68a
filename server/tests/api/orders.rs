//! Orders on both databases: an order from entry to delivery with its vehicle and the
//! customer's lead following; one VIN, two hundred orders reaching for it at once, one
//! holder; approval levels by discount, nobody approving their own order, one decision
//! per level; moves outside the graph and stale changes refused; who may read whose
//! orders; timed holds that run out; the store's approval rules; the demo orders matching
//! the stock.

use crate::{
    both_dbs,
    helpers::{ServerProcess, TestApp},
    inventory::{ids, insert_vehicle, new_vin, Ids},
};
use app::{
    crm::{domain::customer::CustomerInput, service::customers},
    ctx::Ctx,
    db::sql,
    domain::Role,
    error::AppError,
    orders::{
        domain::{
            approval::{default_rules, Condition, Level, Rule},
            input::ExtraInput,
            OrderFilter, OrderInput, OrderStatus, PaymentMethod,
        },
        service::{
            approvals, orders,
            orders::{expire_holds, HOLD_MS},
            rules,
        },
    },
};
use std::sync::atomic::{AtomicU32, Ordering};

static MOBILE: AtomicU32 = AtomicU32::new(0);

/// A customer of `ctx`'s (a salesperson owns theirs), with a fresh mobile.
async fn customer(ctx: &Ctx, name: &str) -> i64 {
    let n = MOBILE.fetch_add(1, Ordering::Relaxed) + std::process::id() % 1000 * 10;
    customers::create(
        ctx,
        &CustomerInput {
            name: name.into(),
            mobile: format!("1371{:07}", n % 10_000_000),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap()
}

/// An order of the test trim and colour at ¥79,800 for `customer`.
fn input(customer: i64, ids: &Ids) -> OrderInput {
    OrderInput {
        customer_id: customer.to_string(),
        trim_id: ids.trim.to_string(),
        color_id: ids.color.to_string(),
        list_price: "79800".into(),
        payment_type: "full".into(),
        ..Default::default()
    }
}

/// The same, holding `vehicle`, with a deposit.
fn with_vehicle(customer: i64, ids: &Ids, vehicle: i64) -> OrderInput {
    OrderInput {
        vehicle_id: vehicle.to_string(),
        deposit: "5000".into(),
        deposit_method: "wechat".into(),
        ..input(customer, ids)
    }
}

async fn vehicle_status(app: &TestApp, id: i64) -> String {
    sql("SELECT status FROM vehicles WHERE id = $1")
        .bind(id)
        .scalar(&app.db)
        .await
        .unwrap()
}

async fn holder(app: &TestApp, vehicle: i64) -> Vec<i64> {
    sql("SELECT id FROM orders WHERE vehicle_id = $1")
        .bind(vehicle)
        .fetch_all::<(i64,)>(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|(id,)| id)
        .collect()
}

async fn audited(app: &TestApp, action: &str, entity: &str, id: i64) -> i64 {
    sql("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND entity = $2 AND entity_id = $3")
        .bind(action)
        .bind(entity)
        .bind(id.to_string())
        .scalar(&app.db)
        .await
        .unwrap()
}

async fn version(app: &TestApp, order: i64) -> i64 {
    sql("SELECT version FROM orders WHERE id = $1")
        .bind(order)
        .scalar(&app.db)
        .await
        .unwrap()
}

/// The same person in Chinese.
fn in_chinese(ctx: &Ctx) -> Ctx {
    Ctx::for_principal(
        ctx.state().clone(),
        ctx.principal().unwrap().clone(),
        app::i18n::Lang::ZhCn,
    )
}

both_dbs!(an_order_goes_from_entry_to_delivery, |app| async move {
    app.seed_demo().await;
    let ids = ids(&app).await;
    let sales = app.ctx_as("sh.sales").await;
    let manager = app.ctx_as("sh.manager").await;
    let buyer = customer(&sales, "钱多多").await;
    let vin = new_vin();
    let car = insert_vehicle(&app, &vin, ids.sh_showroom, &ids, ids.color).await;
    let order_input = OrderInput {
        discount: "1000".into(),
        extras: vec![ExtraInput {
            kind: "accessory".into(),
            description: "全车脚垫".into(),
            price: "1280".into(),
        }],
        ..with_vehicle(buyer, &ids, car)
    };

    // A draft holding a vehicle: a timed hold against the deposit.
    let id = orders::create(&sales, &order_input, false).await.unwrap();
    let d = orders::get(&sales, id).await.unwrap();
    let today = app::clock::day_of(app.state.clock.now_ms()).format("%Y%m%d");
    assert!(
        d.order.number.starts_with(&format!("SH01-{today}-")),
        "{}",
        d.order.number
    );
    assert_eq!(d.order.status, OrderStatus::Draft);
    assert_eq!(d.order.vin.as_deref(), Some(vin.as_str()));
    assert_eq!(d.order.total.fen(), 7_980_000 - 100_000 + 128_000);
    assert_eq!(d.order.paid.fen(), 500_000);
    assert_eq!(d.extras.len(), 1);
    assert_eq!(d.payments.len(), 1);
    let until = d.order.hold_until.expect("a timed hold");
    assert!((until - d.order.created_at - HOLD_MS).abs() < 60_000);
    assert_eq!(vehicle_status(&app, car).await, "reserved");
    // Held by an order, the vehicle is not moved by hand.
    let clerk = app.ctx_as("sh.clerk").await;
    let e = app::inventory::service::vehicles::change_status(
        &clerk,
        car,
        app::inventory::VehicleStatus::InStock,
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(e.status_code(), 409);
    assert!(e.to_string().contains(&d.order.number), "{e}");

    // Submitted: the sales manager's level (1.25% off needs no more); the hold is firm.
    assert_eq!(
        orders::submit(&sales, id).await.unwrap(),
        OrderStatus::PendingApproval
    );
    let d = orders::get(&sales, id).await.unwrap();
    assert_eq!(d.order.hold_until, None);
    assert_eq!(
        d.next_level,
        Some(Level {
            level: 1,
            role: Role::SalesManager
        })
    );
    assert_eq!(
        approvals::approve(&manager, id, "同意", Some(d.order.version))
            .await
            .unwrap(),
        OrderStatus::Approved
    );

    // Shipped: the vehicle is sold; the balance is paid; completed: it is delivered and
    // the customer's lead is won.
    orders::ship(&sales, id).await.unwrap();
    assert_eq!(vehicle_status(&app, car).await, "sold");
    let balance = orders::get(&sales, id).await.unwrap().order.balance().fen();
    let e = orders::add_payment(&sales, id, balance + 1, PaymentMethod::Transfer, "")
        .await
        .unwrap_err();
    assert_eq!(e.fields()[0].field, "amount", "overpaid: {e:?}");
    orders::add_payment(&sales, id, balance, PaymentMethod::Transfer, "尾款")
        .await
        .unwrap();
    orders::complete(&sales, id).await.unwrap();
    let d = orders::get(&sales, id).await.unwrap();
    assert_eq!(d.order.status, OrderStatus::Completed);
    assert_eq!(d.order.balance().fen(), 0);
    assert_eq!(
        d.order.vin.as_deref(),
        Some(vin.as_str()),
        "it keeps its car"
    );
    assert_eq!(vehicle_status(&app, car).await, "delivered");
    let stage: String = sql("SELECT stage FROM leads WHERE customer_id = $1")
        .bind(buyer)
        .scalar(&app.db)
        .await
        .unwrap();
    assert_eq!(stage, "won");
    assert_eq!(d.approvals.len(), 1);
    assert_eq!(d.approvals[0].decided_by_name, "李明");

    // Every step is in the audit log.
    for (action, entity, subject, n) in [
        ("order.create", "order", id, 1),
        ("order.status", "order", id, 4),
        ("order.approve", "order", id, 1),
        ("order.payment", "order", id, 1),
        ("vehicle.status", "vehicle", car, 3),
    ] {
        assert_eq!(audited(&app, action, entity, subject).await, n, "{action}");
    }
    let statuses: Vec<(String,)> = sql(
        "SELECT after_json FROM audit_log WHERE action = 'order.status' AND entity_id = $1 ORDER BY id",
    )
    .bind(id.to_string())
    .fetch_all(&app.db)
    .await
    .unwrap();
    let to: Vec<String> = statuses
        .iter()
        .map(|(j,)| {
            serde_json::from_str::<serde_json::Value>(j).unwrap()["status"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(to, ["pending_approval", "approved", "shipped", "completed"]);
    let won: i64 = sql(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'lead.stage' AND after_json LIKE '%won%'",
    )
    .scalar(&app.db)
    .await
    .unwrap();
    assert_eq!(won, 1);
});

both_dbs!(
    two_hundred_orders_reach_for_one_vehicle_and_one_holds_it,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let sales = app.ctx_as("sh.sales").await;
        let buyer = customer(&sales, "抢车人").await;
        let vin = new_vin();
        let car = insert_vehicle(&app, &vin, ids.sh_yard, &ids, ids.color).await;
        let draft = OrderInput {
            deposit: "2000".into(),
            deposit_method: "cash".into(),
            ..input(buyer, &ids)
        };
        let mut drafts = Vec::new();
        for _ in 0..200 {
            drafts.push(orders::create(&sales, &draft, false).await.unwrap());
        }
        let mut contexts = Vec::new();
        for _ in 0..200 {
            contexts.push(app.ctx_as("sh.sales").await);
        }
        let results = futures::future::join_all(
            contexts
                .iter()
                .zip(&drafts)
                .map(|(ctx, id)| orders::allocate(ctx, *id, car)),
        )
        .await;
        let won: Vec<&i64> = drafts
            .iter()
            .zip(&results)
            .filter(|(_, r)| r.is_ok())
            .map(|(id, _)| id)
            .collect();
        assert_eq!(won.len(), 1, "exactly one order holds the vehicle");
        for r in results.iter().filter(|r| r.is_err()) {
            match r {
                Err(AppError::Conflict(m)) => assert!(m.contains(&vin), "{m}"),
                other => panic!("a refused allocation is a conflict: {other:?}"),
            }
        }
        assert_eq!(vehicle_status(&app, car).await, "reserved");
        assert_eq!(holder(&app, car).await, vec![*won[0]]);
        assert_eq!(
            audited(&app, "order.allocate", "order", *won[0]).await,
            1,
            "only the winner is audited"
        );
        let allocations: i64 =
            sql("SELECT COUNT(*) FROM audit_log WHERE action = 'order.allocate'")
                .scalar(&app.db)
                .await
                .unwrap();
        assert_eq!(allocations, 1);
        // The database itself refuses a second holder, whatever path it comes by.
        let other = drafts.iter().find(|id| *id != won[0]).unwrap();
        let e = sql("UPDATE orders SET vehicle_id = $1 WHERE id = $2")
            .bind(car)
            .bind(*other)
            .execute(&app.db)
            .await
            .unwrap_err();
        assert!(e.is_unique_violation(), "{e}");
    }
);

both_dbs!(
    a_deep_discount_needs_the_general_manager_and_nobody_approves_their_own,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let sales = app.ctx_as("sh.sales").await;
        let manager = app.ctx_as("sh.manager").await;
        let gm = app.ctx_as("gm").await;
        let buyer = customer(&sales, "孙大方").await;
        let deep = OrderInput {
            discount_percent: "6.2".into(),
            ..input(buyer, &ids)
        };
        let id = orders::create(&sales, &deep, true).await.unwrap();
        let d = orders::get(&sales, id).await.unwrap();
        assert_eq!(d.order.status, OrderStatus::PendingApproval);
        assert_eq!(d.order.discount_bp, 620);
        assert_eq!(
            d.required_levels,
            [
                Level {
                    level: 1,
                    role: Role::SalesManager
                },
                Level {
                    level: 2,
                    role: Role::GeneralManager
                }
            ]
        );
        // The salesperson who entered it decides nothing.
        let e = approvals::approve(&sales, id, "", None).await.unwrap_err();
        assert_eq!(e.status_code(), 403);
        // Level 1 by the sales manager; level 2 is not theirs.
        assert_eq!(
            approvals::approve(&manager, id, "", None).await.unwrap(),
            OrderStatus::PendingApproval
        );
        let e = approvals::approve(&manager, id, "", None)
            .await
            .unwrap_err();
        assert_eq!(e.status_code(), 403, "{e:?}");
        let d = orders::get(&manager, id).await.unwrap();
        assert_eq!(d.next_level.map(|l| l.role), Some(Role::GeneralManager));
        assert_eq!(
            approvals::approve(&gm, id, "可以", None).await.unwrap(),
            OrderStatus::Approved
        );
        let d = orders::get(&gm, id).await.unwrap();
        assert_eq!(d.approvals.len(), 2);
        assert_eq!(d.approvals[1].decided_by_name, "王建国");

        // A manager's own order: the manager may not approve it; the general manager may
        // stand in.
        let own = customer(&manager, "周到").await;
        let mine = orders::create(&manager, &input(own, &ids), true)
            .await
            .unwrap();
        let e = approvals::approve(&manager, mine, "", None)
            .await
            .unwrap_err();
        assert_eq!(e.status_code(), 403);
        assert!(!e.to_string().starts_with("order."), "{e}");
        assert_eq!(
            approvals::approve(&gm, mine, "", None).await.unwrap(),
            OrderStatus::Approved
        );

        // Two approvers on one level at once: one decision, the other a conflict.
        let id = orders::create(&sales, &input(buyer, &ids), true)
            .await
            .unwrap();
        let v = version(&app, id).await;
        let (a, b) = futures::join!(
            approvals::approve(&manager, id, "", Some(v)),
            approvals::approve(&gm, id, "", Some(v)),
        );
        let refused: Vec<&AppError> = [&a, &b]
            .into_iter()
            .filter_map(|r| r.as_ref().err())
            .collect();
        assert_eq!(refused.len(), 1, "{a:?} {b:?}");
        assert_eq!(refused[0].status_code(), 409, "{refused:?}");
        let decisions: i64 = sql("SELECT COUNT(*) FROM order_approvals WHERE order_id = $1")
            .bind(id)
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(decisions, 1);
        assert_eq!(
            orders::get(&sales, id).await.unwrap().order.status,
            OrderStatus::Approved
        );

        // A rejection needs its reason, returns the order to its author as rejected and
        // frees its vehicle; edited, it is a draft again, and goes round once more.
        let vin = new_vin();
        let car = insert_vehicle(&app, &vin, ids.sh_showroom, &ids, ids.color).await;
        let held = orders::create(&sales, &with_vehicle(buyer, &ids, car), true)
            .await
            .unwrap();
        let e = approvals::reject(&manager, held, "  ", None)
            .await
            .unwrap_err();
        assert_eq!(e.fields()[0].field, "comment");
        approvals::reject(&manager, held, "价格不符合政策", None)
            .await
            .unwrap();
        let d = orders::get(&sales, held).await.unwrap();
        assert_eq!(d.order.status, OrderStatus::Rejected);
        assert_eq!(d.order.vehicle_id, None);
        assert_eq!(d.approvals[0].comment, "价格不符合政策");
        assert_eq!(vehicle_status(&app, car).await, "in_stock");
        let status = orders::update(
            &sales,
            held,
            &with_vehicle(buyer, &ids, car),
            d.order.version,
        )
        .await
        .unwrap();
        assert_eq!(status, OrderStatus::Draft);
        assert_eq!(vehicle_status(&app, car).await, "reserved");
        assert_eq!(
            orders::submit(&sales, held).await.unwrap(),
            OrderStatus::PendingApproval
        );
        assert_eq!(
            orders::get(&sales, held)
                .await
                .unwrap()
                .order
                .approval_round,
            2
        );
    }
);

both_dbs!(
    a_change_asks_again_only_the_levels_it_needs,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let sales = app.ctx_as("sh.sales").await;
        let manager = app.ctx_as("sh.manager").await;
        let gm = app.ctx_as("gm").await;
        let buyer = customer(&sales, "冯改改").await;
        let at = |percent: &str| OrderInput {
            discount_percent: percent.into(),
            ..input(buyer, &ids)
        };
        // Approved at 3%: level 1 only.
        let id = orders::create(&sales, &at("3"), true).await.unwrap();
        approvals::approve(&manager, id, "", None).await.unwrap();
        // A lower price at the same discount (a lower total) asks nothing again.
        let v = version(&app, id).await;
        let cheaper = OrderInput {
            list_price: "78800".into(),
            ..at("3")
        };
        assert_eq!(
            orders::update(&sales, id, &cheaper, v).await.unwrap(),
            OrderStatus::Approved
        );
        // A smaller discount is a higher total: level 1 again.
        let v = version(&app, id).await;
        assert_eq!(
            orders::update(&sales, id, &at("2"), v).await.unwrap(),
            OrderStatus::PendingApproval
        );
        assert_eq!(
            orders::get(&sales, id).await.unwrap().order.approval_round,
            2
        );
        approvals::approve(&manager, id, "", None).await.unwrap();
        // Past 5%: a new round, both levels again (level 1 approved 2%, not 8%).
        let v = version(&app, id).await;
        assert_eq!(
            orders::update(&sales, id, &at("8"), v).await.unwrap(),
            OrderStatus::PendingApproval
        );
        let d = orders::get(&sales, id).await.unwrap();
        assert_eq!(d.order.approval_round, 3);
        assert_eq!(d.next_level.map(|l| l.level), Some(1));
        approvals::approve(&manager, id, "", None).await.unwrap();
        // Waiting on level 2, the price comes down at the same 8%: level 1's approval
        // covers the lower total and carries over; level 2 is still to decide.
        let lower = OrderInput {
            list_price: "78800".into(),
            ..at("8")
        };
        let v = version(&app, id).await;
        assert_eq!(
            orders::update(&sales, id, &lower, v).await.unwrap(),
            OrderStatus::PendingApproval
        );
        let d = orders::get(&sales, id).await.unwrap();
        assert_eq!(d.order.approval_round, 4);
        assert_eq!(d.next_level.map(|l| l.level), Some(2));
        let carried: Vec<_> = d.approvals.iter().filter(|a| a.round == 4).collect();
        assert_eq!(carried.len(), 1);
        assert!(carried[0].carried && carried[0].level == 1);
        assert_eq!(
            approvals::approve(&gm, id, "", None).await.unwrap(),
            OrderStatus::Approved
        );
        // Another vehicle of the same specification: the approvals stand; the old
        // vehicle goes back to stock.
        let (a, b) = (new_vin(), new_vin());
        let car_a = insert_vehicle(&app, &a, ids.sh_showroom, &ids, ids.color).await;
        let car_b = insert_vehicle(&app, &b, ids.sh_showroom, &ids, ids.color).await;
        orders::allocate(&sales, id, car_a).await.unwrap();
        let v = version(&app, id).await;
        let swap = OrderInput {
            vehicle_id: car_b.to_string(),
            ..lower.clone()
        };
        assert_eq!(
            orders::update(&sales, id, &swap, v).await.unwrap(),
            OrderStatus::Approved
        );
        assert_eq!(vehicle_status(&app, car_a).await, "in_stock");
        assert_eq!(vehicle_status(&app, car_b).await, "reserved");
        assert_eq!(holder(&app, car_b).await, vec![id]);
    }
);

both_dbs!(
    moves_outside_the_graph_and_stale_changes_are_refused,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let sales = app.ctx_as("sh.sales").await;
        let manager = app.ctx_as("sh.manager").await;
        let buyer = customer(&sales, "郑守规").await;
        let id = orders::create(&sales, &input(buyer, &ids), false)
            .await
            .unwrap();
        // (what is tried, the statuses its refusal names)
        let e = orders::ship(&sales, id).await.unwrap_err();
        assert_eq!(e.status_code(), 422);
        assert_eq!(e.fields()[0].field, "status");
        let m = e.field("status").unwrap();
        assert!(m.contains("Draft") && m.contains("Shipped"), "{m}");
        let e = orders::complete(&sales, id).await.unwrap_err();
        assert!(e.field("status").unwrap().contains("Completed"), "{e:?}");
        let e = approvals::approve(&manager, id, "", None)
            .await
            .unwrap_err();
        assert_eq!(e.status_code(), 422);
        assert!(e.field("status").unwrap().contains("Draft"), "{e:?}");
        let e = orders::allocate(&sales, id, 999_999).await.unwrap_err();
        assert_eq!(
            e.fields()[0].field,
            "vehicle_id",
            "no deposit, no hold: {e:?}"
        );

        // A stale change: refused with who changed it, when, and the version now; nothing
        // written.
        let v = version(&app, id).await;
        let changed = OrderInput {
            notes: "周六上午交车".into(),
            ..input(buyer, &ids)
        };
        orders::update(&sales, id, &changed, v).await.unwrap();
        let before = orders::get(&sales, id).await.unwrap().order;
        let late = OrderInput {
            notes: "改成周日".into(),
            ..input(buyer, &ids)
        };
        let e = orders::update(&in_chinese(&sales), id, &late, v)
            .await
            .unwrap_err();
        assert_eq!(e.status_code(), 409);
        let m = e.to_string();
        assert!(m.contains("已被 张伟 于") && m.contains("修改"), "{m}");
        assert!(m.contains(&format!("当前版本 {}", v + 1)), "{m}");
        assert!(
            m.contains(&app::clock::local_time(before.updated_at)),
            "{m}"
        );
        assert_eq!(orders::get(&sales, id).await.unwrap().order, before);

        // Cancelling needs a reason; it frees the vehicle; a shipped order cannot be.
        let vin = new_vin();
        let car = insert_vehicle(&app, &vin, ids.sh_showroom, &ids, ids.color).await;
        let held = orders::create(&sales, &with_vehicle(buyer, &ids, car), false)
            .await
            .unwrap();
        let e = orders::cancel(&sales, held, " ").await.unwrap_err();
        assert_eq!(e.fields()[0].field, "reason");
        assert_eq!(vehicle_status(&app, car).await, "reserved");
        orders::cancel(&sales, held, "客户暂不购车").await.unwrap();
        let d = orders::get(&sales, held).await.unwrap();
        assert_eq!(d.order.status, OrderStatus::Cancelled);
        assert_eq!(d.order.cancel_reason, "客户暂不购车");
        assert_eq!(d.order.vehicle_id, None);
        assert_eq!(vehicle_status(&app, car).await, "in_stock");
        assert!(holder(&app, car).await.is_empty());
        let e = orders::cancel(&sales, held, "再取消一次")
            .await
            .unwrap_err();
        assert_eq!(e.status_code(), 422);
        // The deposit of a cancelled order is refunded, never added to.
        let e = orders::add_payment(&sales, held, 100, PaymentMethod::Cash, "")
            .await
            .unwrap_err();
        assert_eq!(e.fields()[0].field, "amount");
        orders::add_payment(&sales, held, -500_000, PaymentMethod::Wechat, "退定金")
            .await
            .unwrap();
        let e = orders::add_payment(&sales, held, -1, PaymentMethod::Wechat, "")
            .await
            .unwrap_err();
        assert_eq!(e.fields()[0].field, "amount", "more refunded than paid");
        assert_eq!(orders::get(&sales, held).await.unwrap().order.paid.fen(), 0);
        let e = orders::update(&sales, held, &input(buyer, &ids), version(&app, held).await)
            .await
            .unwrap_err();
        assert_eq!(e.fields()[0].field, "status", "a cancelled order is final");
    }
);

both_dbs!(
    orders_are_read_by_their_seller_their_store_and_the_group,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let sales = app.ctx_as("sh.sales").await;
        let buyer = customer(&sales, "林可见").await;
        let vin = new_vin();
        let car = insert_vehicle(&app, &vin, ids.sh_showroom, &ids, ids.color).await;
        let id = orders::create(&sales, &with_vehicle(buyer, &ids, car), false)
            .await
            .unwrap();
        let number = orders::get(&sales, id).await.unwrap().order.number;
        for (user, status) in [
            ("sh.sales2", Some(403)),
            ("hz.manager", Some(403)),
            ("hz.sales", Some(403)),
            ("sh.clerk", Some(403)),
            ("sh.manager", None),
            ("gm", None),
            ("admin", None),
        ] {
            let ctx = app.ctx_as(user).await;
            let got = orders::get(&ctx, id).await;
            assert_eq!(
                got.as_ref().err().map(|e| e.status_code()),
                status,
                "{user}"
            );
            if let Err(e) = got {
                assert!(
                    !e.to_string().contains(&number),
                    "{user}: nothing of the order"
                );
                assert!(
                    !e.to_string().contains("林可见"),
                    "{user}: nothing of the order"
                );
            }
        }
        assert_eq!(
            orders::get(&sales, 999_999)
                .await
                .unwrap_err()
                .status_code(),
            404
        );
        // Lists hold only what each may read.
        let find = |f: OrderFilter| {
            let app = &app;
            async move {
                let mut out = std::collections::BTreeMap::new();
                for user in ["sh.sales", "sh.sales2", "sh.manager", "hz.manager", "gm"] {
                    let page = orders::list(&app.ctx_as(user).await, &f).await.unwrap();
                    out.insert(user, page.rows.iter().any(|r| r.id == id));
                }
                out
            }
        };
        let seen = find(OrderFilter::default()).await;
        assert_eq!(
            seen.into_iter()
                .filter(|(_, s)| *s)
                .map(|(u, _)| u)
                .collect::<Vec<_>>(),
            ["gm", "sh.manager", "sh.sales"]
        );
        // Search by number, customer, VIN; filters by status, customer and day.
        let gm = app.ctx_as("gm").await;
        let today = app::clock::day_of(app.state.clock.now_ms());
        let mobile: String = sql("SELECT mobile FROM customers WHERE id = $1")
            .bind(buyer)
            .scalar(&app.db)
            .await
            .unwrap();
        let by = |q: String| OrderFilter {
            q: Some(q),
            ..Default::default()
        };
        for f in [
            by(number.clone()),
            by(number[..13].to_lowercase()),
            by(vin.clone()),
            by(format!(
                "{} {} {}",
                &mobile[..3],
                &mobile[3..7],
                &mobile[7..]
            )),
            by(mobile[7..].to_owned()),
            by("lk".into()),
            OrderFilter {
                q: Some("林可".into()),
                ..Default::default()
            },
            OrderFilter {
                q: Some(vin[9..].to_lowercase()),
                ..Default::default()
            },
            OrderFilter {
                status: Some(OrderStatus::Draft),
                customer_id: Some(buyer),
                ..Default::default()
            },
            OrderFilter {
                from: Some(today),
                to: Some(today),
                store_id: Some(app.store_id("SH01").await),
                ..Default::default()
            },
        ] {
            let page = orders::list(&gm, &f).await.unwrap();
            assert!(page.rows.iter().any(|r| r.id == id), "{f:?}");
            assert!(page.total >= 1);
        }
        for f in [
            OrderFilter {
                status: Some(OrderStatus::Shipped),
                customer_id: Some(buyer),
                ..Default::default()
            },
            OrderFilter {
                to: today.pred_opt(),
                customer_id: Some(buyer),
                ..Default::default()
            },
            OrderFilter {
                store_id: Some(app.store_id("HZ01").await),
                customer_id: Some(buyer),
                ..Default::default()
            },
            OrderFilter {
                customer_id: Some(buyer),
                ..by("HZ01-".into())
            },
            OrderFilter {
                customer_id: Some(buyer),
                ..by(format!("{}0", &vin[10..]))
            },
        ] {
            let page = orders::list(&gm, &f).await.unwrap();
            assert_eq!(page.total, 0, "{f:?}");
        }
        let e = orders::list(
            &gm,
            &OrderFilter {
                limit: Some(201),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(e.fields()[0].field, "limit");
        let page = orders::list(
            &gm,
            &OrderFilter {
                limit: Some(3),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(page.rows.len(), 3);
        assert!(page.total > 3);
        assert!(
            page.rows
                .windows(2)
                .all(|w| w[0].created_at >= w[1].created_at),
            "newest first"
        );
        // Roles without orders are refused outright.
        let clerk = app.ctx_as("sh.clerk").await;
        assert_eq!(
            orders::list(&clerk, &OrderFilter::default())
                .await
                .unwrap_err()
                .status_code(),
            403
        );
    }
);

both_dbs!(an_expired_timed_hold_goes_back_to_stock, |app| async move {
    app.seed_demo().await;
    let ids = ids(&app).await;
    let sales = app.ctx_as("sh.sales").await;
    let buyer = customer(&sales, "吴等等").await;
    let vin = new_vin();
    let car = insert_vehicle(&app, &vin, ids.sh_showroom, &ids, ids.color).await;
    let id = orders::create(&sales, &with_vehicle(buyer, &ids, car), false)
        .await
        .unwrap();
    let until = orders::get(&sales, id)
        .await
        .unwrap()
        .order
        .hold_until
        .unwrap();
    let v = version(&app, id).await;
    // Before its time (the demo's shorter holds may end meanwhile), it stands.
    expire_holds(&app.state, until - 1).await.unwrap();
    assert_eq!(vehicle_status(&app, car).await, "reserved");
    assert_eq!(holder(&app, car).await, vec![id]);
    assert_eq!(version(&app, id).await, v);
    assert_eq!(expire_holds(&app.state, until + 1).await.unwrap(), 1);
    let d = orders::get(&sales, id).await.unwrap();
    assert_eq!(d.order.status, OrderStatus::Draft, "the draft stays");
    assert_eq!((d.order.vehicle_id, d.order.hold_until), (None, None));
    assert_eq!(d.order.version, v + 1);
    assert_eq!(vehicle_status(&app, car).await, "in_stock");
    let actor: String =
        sql("SELECT actor FROM audit_log WHERE action = 'order.hold_expired' AND entity_id = $1")
            .bind(id.to_string())
            .scalar(&app.db)
            .await
            .unwrap();
    assert_eq!(actor, "system:hold-expiry");
    assert_eq!(audited(&app, "vehicle.status", "vehicle", car).await, 2);
    // A change made on the old version now names the system.
    let e = orders::update(&sales, id, &input(buyer, &ids), v)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("the system"), "{e}");
    assert_eq!(
        expire_holds(&app.state, until + 1).await.unwrap(),
        0,
        "once"
    );
    // A submitted order's hold is firm: it never runs out.
    let vin = new_vin();
    let car = insert_vehicle(&app, &vin, ids.sh_showroom, &ids, ids.color).await;
    orders::create(&sales, &with_vehicle(buyer, &ids, car), true)
        .await
        .unwrap();
    assert_eq!(expire_holds(&app.state, i64::MAX / 2).await.unwrap(), 0);
    assert_eq!(vehicle_status(&app, car).await, "reserved");
});

both_dbs!(
    the_administrator_sets_a_stores_approval_rules,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let sh = app.store_id("SH01").await;
        let sales = app.ctx_as("sh.sales").await;
        let manager = app.ctx_as("sh.manager").await;
        let admin = app.ctx_as("admin").await;
        assert_eq!(rules::get(&sales, sh).await.unwrap(), default_rules());
        assert_eq!(
            rules::get(&app.ctx_as("hz.sales").await, sh)
                .await
                .unwrap_err()
                .status_code(),
            403
        );
        let only_deep = vec![Rule::new(
            Condition::DiscountOverBp(1000),
            1,
            Role::SalesManager,
        )];
        assert_eq!(
            rules::set(&manager, sh, only_deep.clone())
                .await
                .unwrap_err()
                .status_code(),
            403
        );
        let bad = vec![
            only_deep[0].clone(),
            Rule::new(Condition::ModelIn(vec![]), 0, Role::Admin),
        ];
        let e = rules::set(&admin, sh, bad).await.unwrap_err();
        let fields: Vec<&str> = e.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["rules.1.level", "rules.1.role", "rules.1.value"]);
        assert_eq!(
            rules::get(&sales, sh).await.unwrap(),
            default_rules(),
            "nothing saved"
        );

        rules::set(&admin, sh, only_deep.clone()).await.unwrap();
        assert_eq!(rules::get(&sales, sh).await.unwrap(), only_deep);
        assert_eq!(audited(&app, "approval_rules.set", "store", sh).await, 1);
        // No rule holds for a plain order: submitted, it is approved at once.
        let buyer = customer(&sales, "何顺利").await;
        let id = orders::create(&sales, &input(buyer, &ids), true)
            .await
            .unwrap();
        let d = orders::get(&sales, id).await.unwrap();
        assert_eq!(d.order.status, OrderStatus::Approved);
        assert!(d.required_levels.is_empty());
        // Other stores keep theirs; an empty list returns to the defaults.
        let hz = app.store_id("HZ01").await;
        assert_eq!(rules::get(&admin, hz).await.unwrap(), default_rules());
        rules::set(&admin, sh, Vec::new()).await.unwrap();
        assert_eq!(rules::get(&sales, sh).await.unwrap(), default_rules());
        assert_eq!(
            rules::get(&admin, 999_999).await.unwrap_err().status_code(),
            404
        );
    }
);

both_dbs!(the_demo_orders_match_the_stock, |app| async move {
    app.seed_demo().await;
    let rows: Vec<(String, String, Option<String>)> = sql(
        "SELECT s.code, o.status, v.status FROM orders o JOIN stores s ON s.id = o.store_id
         LEFT JOIN vehicles v ON v.id = o.vehicle_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    for code in ["SH01", "HZ01"] {
        let statuses: std::collections::BTreeSet<&str> = rows
            .iter()
            .filter(|r| r.0 == code)
            .map(|r| r.1.as_str())
            .collect();
        assert!(statuses.len() >= 5, "{code}: {statuses:?}");
    }
    for (code, status, vehicle) in &rows {
        let want = match status.as_str() {
            "pending_approval" | "approved" => Some("reserved"),
            "shipped" => Some("sold"),
            "completed" => Some("delivered"),
            "rejected" | "cancelled" => None,
            _ => vehicle.as_deref().map(|_| "reserved"),
        };
        assert_eq!(vehicle.as_deref(), want, "{code} {status}");
    }
    let sh = rows.iter().filter(|r| r.0 == "SH01").count();
    assert!(sh >= 7, "a handful of SH01 orders: {sh}");
    // Their figures add up, and the next order of the day gets the next number.
    let bad: i64 = sql(
        "SELECT COUNT(*) FROM orders WHERE total <> list_price - discount + extras_total
            OR paid <> (SELECT COALESCE(SUM(amount), 0) FROM order_payments p WHERE p.order_id = orders.id)",
    )
    .scalar(&app.db)
    .await
    .unwrap();
    assert_eq!(bad, 0);
    let ids = ids(&app).await;
    let sales = app.ctx_as("sh.sales").await;
    let buyer = customer(&sales, "新客户").await;
    let id = orders::create(&sales, &input(buyer, &ids), false)
        .await
        .unwrap();
    let number = orders::get(&sales, id).await.unwrap().order.number;
    let same: i64 = sql("SELECT COUNT(*) FROM orders WHERE number = $1")
        .bind(&number)
        .scalar(&app.db)
        .await
        .unwrap();
    assert_eq!(same, 1);
    // The one waiting on the general manager shows it.
    let waiting: Vec<(i64,)> = sql(
        "SELECT o.id FROM orders o JOIN stores s ON s.id = o.store_id
         WHERE s.code = 'SH01' AND o.status = 'pending_approval' AND o.discount_bp > 500",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    if let Some((id,)) = waiting.first() {
        let d = orders::get(&app.ctx_as("gm").await, *id).await.unwrap();
        assert_eq!(d.next_level.map(|l| l.role), Some(Role::GeneralManager));
    }
});

both_dbs!(
    a_submitted_order_reaches_its_seller_and_its_approvers_only,
    |app| async move {
        use futures::StreamExt;
        app.seed_demo().await;
        let ids = ids(&app).await;
        let listen = |user: &'static str| {
            let c = TestApp {
                client: app.new_client(),
                ..app.clone_handle()
            };
            async move {
                c.login_as(user).await;
                let res = c.get("/events").await;
                assert_eq!(res.status(), 200);
                res.bytes_stream()
            }
        };
        let mut seller = listen("sh.sales").await;
        let mut approver = listen("sh.manager").await;
        let mut colleague = listen("sh.sales2").await;
        let mut elsewhere = listen("hz.manager").await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let sales = app.ctx_as("sh.sales").await;
        let buyer = customer(&sales, "陈实时").await;
        orders::create(&sales, &input(buyer, &ids), true)
            .await
            .unwrap();
        for stream in [&mut seller, &mut approver] {
            let mut text = String::new();
            let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
            while !text.contains("pending_approval") {
                let chunk = tokio::time::timeout_at(deadline, stream.next())
                    .await
                    .expect("the order's people hear it within 5 s")
                    .expect("stream open")
                    .unwrap();
                text.push_str(&String::from_utf8_lossy(&chunk));
            }
            assert!(text.contains("event: order"), "{text}");
        }
        for stream in [&mut colleague, &mut elsewhere] {
            let quiet =
                tokio::time::timeout(std::time::Duration::from_millis(500), stream.next()).await;
            if let Ok(Some(Ok(chunk))) = quiet {
                assert!(!String::from_utf8_lossy(&chunk).contains("event: order"));
            }
        }
    }
);

both_dbs!(
    two_server_processes_take_two_hundred_allocations_of_one_vehicle_and_one_holds_it,
    |app| async move {
        app.seed_demo().await;
        let ids = ids(&app).await;
        let sales = app.ctx_as("sh.sales").await;
        let buyer = customer(&sales, "两处抢车").await;
        let vin = new_vin();
        let car = insert_vehicle(&app, &vin, ids.sh_showroom, &ids, ids.color).await;
        let draft = OrderInput {
            deposit: "2000".into(),
            deposit_method: "cash".into(),
            ..input(buyer, &ids)
        };
        let mut drafts = Vec::new();
        for _ in 0..200 {
            drafts.push(orders::create(&sales, &draft, false).await.unwrap());
        }
        let store: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
            .scalar(&app.db)
            .await
            .unwrap();
        let (_, key) = app::auth::api_key::create(
            &app.db,
            "two-processes",
            Role::SalesManager,
            Some(store),
            None,
        )
        .await
        .unwrap();
        let servers = [
            ServerProcess::start(&app).await,
            ServerProcess::start(&app).await,
        ];

        // Half the requests to each process, all at once.
        let client = reqwest::Client::new();
        let results = futures::future::join_all(drafts.iter().enumerate().map(|(n, id)| {
            let url = format!("{}/api/v1/orders/{id}/allocate", servers[n % 2].address);
            let request = client
                .post(url)
                .bearer_auth(&key)
                .json(&serde_json::json!({ "vehicle_id": car }));
            async move {
                let res = request.send().await.unwrap();
                let status = res.status().as_u16();
                (status, res.text().await.unwrap_or_default())
            }
        }))
        .await;
        let mut by_status = std::collections::BTreeMap::new();
        for (status, _) in &results {
            *by_status.entry(*status).or_insert(0) += 1;
        }
        assert_eq!(
            by_status,
            [(200, 1), (409, 199)].into_iter().collect(),
            "one allocation wins, the others are conflicts"
        );
        for (status, body) in results.iter().filter(|(s, _)| *s == 409) {
            assert!(body.contains(&vin), "{status}: {body}");
        }

        // The vehicle and the orders agree: one holder, reserved; the winner was served by
        // one process or the other, and audited once.
        let winner = drafts
            .iter()
            .zip(&results)
            .find(|(_, (s, _))| *s == 200)
            .map(|(id, _)| *id)
            .unwrap();
        assert_eq!(vehicle_status(&app, car).await, "reserved");
        assert_eq!(holder(&app, car).await, vec![winner]);
        let allocations: i64 =
            sql("SELECT COUNT(*) FROM audit_log WHERE action = 'order.allocate'")
                .scalar(&app.db)
                .await
                .unwrap();
        assert_eq!(allocations, 1);
        drop(servers);
    }
);
