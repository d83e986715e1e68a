//! The role × action table, walked: every role tries every action. Allowed pairs succeed;
//! denied pairs get 403 and change nothing. And store-bound roles cannot reach another
//! store's records by id.

use crate::{both_dbs, helpers::TestApp};
use app::{
    auth::{allowed, api_key, Action},
    db::sql,
    domain::Role,
};

/// A demo user holding each role.
fn user_with(role: Role) -> &'static str {
    server::demo::USERS
        .iter()
        .find(|(_, _, r, _)| *r == role)
        .map(|(u, _, _, _)| *u)
        .expect("a demo user for every role")
}

/// Row counts a denied call must leave as they were.
async fn counts(app: &TestApp) -> Vec<i64> {
    let mut out = Vec::new();
    for t in [
        "users",
        "stores",
        "warehouses",
        "api_keys",
        "stock_thresholds",
        "transfers",
        "customers",
        "leads",
        "follow_ups",
        "orders",
        "order_approvals",
        "approval_rules",
        "appointments",
        "complaints",
        "complaint_rules",
        "sales_targets",
    ] {
        out.push(
            sql(format!("SELECT COUNT(*) FROM {t}"))
                .scalar(&app.db)
                .await
                .unwrap(),
        );
    }
    // Vehicles, transfers, customers and orders also must not move: their versions count
    // every change.
    for t in [
        "vehicles",
        "transfers",
        "customers",
        "orders",
        "service_settings",
    ] {
        out.push(
            sql(format!(
                "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM {t}"
            ))
            .scalar(&app.db)
            .await
            .unwrap(),
        );
    }
    out
}

/// What an attempt needs in place before it is made (and before the "nothing changed"
/// snapshot): a vehicle in stock, or a transfer at the right stage.
async fn prepare(app: &TestApp, action: Action) -> (String, i64) {
    let ids = crate::inventory::ids(app).await;
    let vin = crate::inventory::new_vin();
    let vid = crate::inventory::insert_vehicle(app, &vin, ids.sh_yard, &ids, ids.color).await;
    let stage = match action {
        Action::ApproveTransfer => "requested",
        Action::MoveTransfer => "approved",
        Action::MergeCustomers | Action::EditOrders => {
            // An unassigned customer of SH01: to be given to nobody (a change of version),
            // or to order a car.
            return (vin, unassigned_customer(app).await);
        }
        Action::ApproveOrders => {
            // An order of SH01 waiting for its sales manager, entered by a salesperson.
            let sales = app.ctx_as("sh.sales").await;
            let order = app::orders::service::orders::create(
                &sales,
                &order_input(unassigned_customer(app).await, &ids),
                true,
            )
            .await
            .unwrap();
            return (vin, order);
        }
        _ => return (vin, vid),
    };
    let store: i64 = sql("SELECT store_id FROM warehouses WHERE id = $1")
        .bind(ids.sh_yard)
        .scalar(&app.db)
        .await
        .unwrap();
    let tid: i64 = sql(
        "INSERT INTO transfers (from_warehouse_id, to_warehouse_id, from_store_id, to_store_id, status, reason,
                                requested_by, created_at, updated_at)
         VALUES ($1, $2, $3, $3, $4, 'test', 'user:test', 0, 0) RETURNING id",
    )
    .bind(ids.sh_yard)
    .bind(ids.sh_showroom)
    .bind(store)
    .bind(stage)
    .scalar(&app.db)
    .await
    .unwrap();
    sql("INSERT INTO transfer_items (transfer_id, vehicle_id, is_open) VALUES ($1, $2, TRUE)")
        .bind(tid)
        .bind(vid)
        .execute(&app.db)
        .await
        .unwrap();
    (vin, tid)
}

/// An unassigned customer of SH01.
async fn unassigned_customer(app: &TestApp) -> i64 {
    let store: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
        .scalar(&app.db)
        .await
        .unwrap();
    let mobile = fresh_mobile();
    sql(
        "INSERT INTO customers (kind, name, mobile, mobile_last4, source, store_id, created_at, updated_at)
         VALUES ('person', '待分配', $1, $2, 'walk_in', $3, 0, 0) RETURNING id",
    )
    .bind(mobile.as_str())
    .bind(&mobile[7..])
    .bind(store)
    .scalar(&app.db)
    .await
    .unwrap()
}

/// A plain order of the test trim and colour for `customer`.
fn order_input(customer: i64, ids: &crate::inventory::Ids) -> app::orders::domain::OrderInput {
    app::orders::domain::OrderInput {
        customer_id: customer.to_string(),
        trim_id: ids.trim.to_string(),
        color_id: ids.color.to_string(),
        list_price: "79800".into(),
        payment_type: "full".into(),
        ..Default::default()
    }
}

/// A mobile no other attempt uses.
fn fresh_mobile() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "1390000{:04}",
        NEXT.fetch_add(1, Ordering::Relaxed) % 10_000
    )
}

/// Performs `action` through its server function; returns the HTTP status, or `None` for
/// an action without a server function yet (the approval rules: their service is walked
/// directly below).
async fn attempt(
    app: &TestApp,
    action: Action,
    tag: &str,
    prepared: &(String, i64),
) -> Option<u16> {
    let ids = crate::inventory::ids(app).await;
    let (vin, id) = prepared;
    let store: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
        .scalar(&app.db)
        .await
        .unwrap();
    let store = store.to_string();
    let code = format!("T{}", tag.to_uppercase().replace('_', ""));
    let code = &code[..code.len().min(16)];
    let username = format!("new.{tag}");
    let res = match action {
        Action::ViewDashboard => app.call("home_summary", &[]).await,
        Action::ViewReferenceData => app.call("stores/list", &[]).await,
        Action::ManageUsers => {
            app.call(
                "admin/create_user",
                &[
                    ("username", &username),
                    ("display_name", "新员工"),
                    ("role", "sales"),
                    ("store_id", &store),
                    ("password", "long-enough-1"),
                ],
            )
            .await
        }
        Action::ManageStores => {
            app.call(
                "admin/create_store",
                &[
                    ("code", code),
                    ("name", "测试门店"),
                    ("city", "苏州"),
                    ("address", ""),
                    ("phone", ""),
                ],
            )
            .await
        }
        Action::ManageApiKeys => {
            app.call(
                "admin/create_api_key",
                &[("name", &username), ("role", "sales"), ("store_id", &store)],
            )
            .await
        }
        Action::ViewAuditLog => app.call("audit/list", &[("action", "")]).await,
        Action::ViewStock => app.call("inventory/alert_count", &[]).await,
        Action::IntakeVehicles => {
            let vin = crate::inventory::new_vin();
            app.call(
                "inventory/intake",
                &[
                    ("vin", vin.as_str()),
                    ("trim_id", &ids.trim.to_string()),
                    ("color_id", &ids.color.to_string()),
                    ("warehouse_id", &ids.sh_showroom.to_string()),
                    ("status", "in_stock"),
                    ("cost", "70000"),
                    ("list_price", ""),
                    ("arrival_date", ""),
                ],
            )
            .await
        }
        Action::ChangeVehicleStatus => {
            app.call(
                "inventory/vehicle_status",
                &[
                    ("id", &id.to_string()),
                    ("to", "reserved"),
                    ("version", "1"),
                ],
            )
            .await
        }
        Action::ManageThresholds => {
            app.call(
                "inventory/save_threshold",
                &[
                    ("warehouse_id", &ids.sh_showroom.to_string()),
                    ("model_id", &ids.model.to_string()),
                    ("color_id", ""),
                    ("low_qty", "1"),
                    ("high_qty", ""),
                ],
            )
            .await
        }
        Action::RequestTransfer => {
            app.call(
                "inventory/request_transfer",
                &[
                    ("from_warehouse_id", &ids.sh_yard.to_string()),
                    ("to_warehouse_id", &ids.sh_showroom.to_string()),
                    ("vins", vin.as_str()),
                    ("reason", tag),
                ],
            )
            .await
        }
        Action::ApproveTransfer => {
            app.call(
                "inventory/transfer_step",
                &[
                    ("id", &id.to_string()),
                    ("step", "approve"),
                    ("version", "1"),
                ],
            )
            .await
        }
        Action::MoveTransfer => {
            app.call(
                "inventory/transfer_step",
                &[("id", &id.to_string()), ("step", "ship"), ("version", "1")],
            )
            .await
        }
        Action::ViewCustomers => app.call("crm/due_count", &[]).await,
        Action::EditCustomers => {
            let mobile = fresh_mobile();
            let mut form = vec![
                ("name", tag),
                ("mobile", mobile.as_str()),
                ("store_id", store.as_str()),
            ];
            for blank in [
                "kind",
                "phone2",
                "wechat",
                "id_number",
                "address",
                "source",
                "budget",
                "preferred_models",
                "preferred_colors",
                "fuel",
                "timeframe",
                "tags",
                "notes",
            ] {
                form.push((blank, ""));
            }
            app.call("crm/create_customer", &form).await
        }
        Action::MergeCustomers => {
            app.call("crm/reassign", &[("id", &id.to_string()), ("owner_id", "")])
                .await
        }
        Action::ViewOrders => {
            // A preview reads the rules and the stock, and writes nothing.
            let (trim, color) = (ids.trim.to_string(), ids.color.to_string());
            let form = [
                ("trim_id", trim.as_str()),
                ("color_id", color.as_str()),
                ("list_price", "79800"),
                ("payment_type", "full"),
            ];
            app.call("orders/preview", &form).await
        }
        Action::EditOrders => {
            let (customer, trim, color) =
                (id.to_string(), ids.trim.to_string(), ids.color.to_string());
            let form = [
                ("customer_id", customer.as_str()),
                ("trim_id", trim.as_str()),
                ("color_id", color.as_str()),
                ("list_price", "79800"),
                ("payment_type", "full"),
            ];
            app.call("orders/create", &form).await
        }
        Action::ApproveOrders => {
            app.call(
                "orders/approve",
                &[("id", &id.to_string()), ("comment", tag)],
            )
            .await
        }
        Action::ManageApprovalRules => return None,
        Action::ViewService => app.call("service/desk", &[("day", "")]).await,
        Action::EditAppointments => {
            let store = app.store_id("SH01").await.to_string();
            let mobile = fresh_mobile();
            app.call(
                "service/book",
                &[
                    ("store_id", store.as_str()),
                    ("service_type", "maintenance"),
                    ("day", ""),
                    ("time", ""),
                    ("name", tag),
                    ("mobile", mobile.as_str()),
                    ("plate", "沪A12345"),
                    ("source", "walk_in"),
                ],
            )
            .await
        }
        Action::ManageServiceCapacity => {
            let store = app.store_id("SH01").await;
            let form = capacity_form(app, store).await;
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call("service/save_capacity", &form).await
        }
        Action::ViewComplaints => app.call("complaints/escalated_count", &[]).await,
        Action::HandleComplaints => {
            app.call(
                "complaints/create",
                &[
                    ("category", "waiting"),
                    ("severity", "normal"),
                    ("description", tag),
                    ("store_id", &store),
                ],
            )
            .await
        }
        Action::ManageComplaintRules => {
            app.call(
                "complaints/save_rules",
                &[
                    ("urgent_hours", "4"),
                    ("serious_hours", "24"),
                    ("normal_hours", "72"),
                    ("store_id", &store),
                ],
            )
            .await
        }
        Action::ViewAnalytics => {
            app.call(
                "analytics/sales",
                &[
                    ("from", ""),
                    ("to", ""),
                    ("store_id", ""),
                    ("by", ""),
                    ("bucket", ""),
                ],
            )
            .await
        }
        // Not an entry point: what the reports show (tried directly below).
        Action::ViewMargins => return None,
        Action::ManageTargets => {
            let month = chrono::Utc::now().format("%Y-%m").to_string();
            app.call(
                "analytics/save_target",
                &[
                    ("store_id", &store),
                    ("month", &month),
                    ("units", "10"),
                    ("revenue", "2000000"),
                ],
            )
            .await
        }
    };
    Some(res.status().as_u16())
}

/// The capacity form for `store` as it stands (its version), with one more shared bay.
async fn capacity_form(app: &TestApp, store: i64) -> Vec<(&'static str, String)> {
    let version: i64 = sql("SELECT version FROM service_settings WHERE store_id = $1")
        .bind(store)
        .scalar(&app.db)
        .await
        .unwrap();
    let mut form = vec![
        ("store_id", store.to_string()),
        ("version", version.to_string()),
        ("slot_minutes", "60".into()),
        ("horizon_days", "14".into()),
        ("cutoff_minutes", "60".into()),
        ("bays_shared", (3 + version).to_string()),
    ];
    for (open, close) in [
        ("opens_1", "closes_1"),
        ("opens_2", "closes_2"),
        ("opens_3", "closes_3"),
        ("opens_4", "closes_4"),
        ("opens_5", "closes_5"),
        ("opens_6", "closes_6"),
        ("opens_7", "closes_7"),
    ] {
        form.push((open, "08:30".into()));
        form.push((close, "17:30".into()));
    }
    form
}

both_dbs!(every_role_tries_every_action, |app| async move {
    app.seed_demo().await;
    for role in Role::ALL {
        let client = TestApp {
            client: app.new_client(),
            ..app.clone_handle()
        };
        client.login_as(user_with(role)).await;
        for action in Action::ALL {
            let prepared = prepare(&client, action).await;
            let before = counts(&client).await;
            let tag = format!("{}_{:?}", role.code(), action).to_lowercase();
            let Some(status) = attempt(&client, action, &tag, &prepared).await else {
                continue;
            };
            if allowed(role, action) {
                assert_eq!(status, 200, "{role:?} may {action:?}");
            } else {
                assert_eq!(status, 403, "{role:?} may not {action:?}");
                assert_eq!(
                    counts(&client).await,
                    before,
                    "a denied {action:?} by {role:?} changed nothing"
                );
            }
        }
    }
});

/// Performs `action` by calling its service directly, as any future entry point would:
/// the service itself must refuse.
async fn attempt_directly(
    app: &TestApp,
    ctx: &app::ctx::Ctx,
    action: Action,
    tag: &str,
    prepared: &(String, i64),
) -> Result<(), app::error::AppError> {
    use app::{
        admin::{api_keys, audit, stores, users},
        home,
        inventory::{
            domain::{alert::ThresholdInput, intake::IntakeInput, transfer::TransferInput},
            service::{alerts, transfers, vehicles},
            VehicleStatus,
        },
    };
    let ids = crate::inventory::ids(app).await;
    let (vin, id) = prepared;
    let store: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
        .scalar(&app.db)
        .await
        .unwrap();
    let code = format!("D{}", tag.to_uppercase().replace('_', ""));
    let code = &code[..code.len().min(16)];
    let username = format!("d.{tag}");
    match action {
        Action::ViewDashboard => home::service::summary(ctx).await.map(drop),
        Action::ViewReferenceData => stores::service::list(ctx).await.map(drop),
        Action::ManageUsers => users::service::create(
            ctx,
            users::service::NewUser {
                username: &username,
                display_name: "新员工",
                role: "sales",
                store_id: Some(store),
                password: "long-enough-1",
            },
        )
        .await
        .map(drop),
        Action::ManageStores => stores::service::create_store(
            ctx,
            &stores::NewStore {
                code: code.to_owned(),
                name: "测试门店".into(),
                ..Default::default()
            },
        )
        .await
        .map(drop),
        Action::ManageApiKeys => {
            api_keys::service::create(ctx, &username, "sales", Some(store), false)
                .await
                .map(drop)
        }
        Action::ViewAuditLog => audit::service::list(ctx, "").await.map(drop),
        Action::ViewStock => alerts::open_count(ctx).await.map(drop),
        Action::IntakeVehicles => vehicles::intake(
            ctx,
            vec![IntakeInput {
                vin: crate::inventory::new_vin(),
                trim: ids.trim.to_string(),
                color: ids.color.to_string(),
                warehouse: ids.sh_showroom.to_string(),
                cost: "70000".into(),
                ..Default::default()
            }],
            vehicles::IntakeMode::Single,
        )
        .await
        .map(drop),
        Action::ChangeVehicleStatus => {
            vehicles::change_status(ctx, *id, VehicleStatus::Reserved, Some(1)).await
        }
        Action::ManageThresholds => alerts::save(
            ctx,
            ThresholdInput {
                warehouse_id: ids.sh_showroom,
                model_id: ids.model,
                color_id: None,
                low_qty: Some(1),
                high_qty: None,
            },
        )
        .await
        .map(drop),
        Action::RequestTransfer => transfers::request(
            ctx,
            TransferInput {
                from_warehouse_id: ids.sh_yard,
                to_warehouse_id: ids.sh_showroom,
                vins: vec![vin.clone()],
                reason: tag.to_owned(),
            },
        )
        .await
        .map(drop),
        Action::ApproveTransfer | Action::MoveTransfer => {
            use app::inventory::domain::transfer::TransferStep;
            let step = match action {
                Action::ApproveTransfer => TransferStep::Approve,
                _ => TransferStep::Ship,
            };
            transfers::step(ctx, *id, step, Some(1)).await
        }
        Action::ViewCustomers => app::crm::service::follow_ups::due_count(ctx)
            .await
            .map(drop),
        Action::EditCustomers => app::crm::service::customers::create(
            ctx,
            &app::crm::domain::customer::CustomerInput {
                name: tag.to_owned(),
                mobile: fresh_mobile(),
                ..Default::default()
            },
            Some(store),
        )
        .await
        .map(drop),
        Action::MergeCustomers => app::crm::service::customers::reassign(ctx, *id, None).await,
        Action::ViewOrders => app::orders::service::orders::list(ctx, &Default::default())
            .await
            .map(drop),
        Action::EditOrders => {
            app::orders::service::orders::create(ctx, &order_input(*id, &ids), false)
                .await
                .map(drop)
        }
        Action::ApproveOrders => app::orders::service::approvals::approve(ctx, *id, tag, None)
            .await
            .map(drop),
        Action::ManageApprovalRules => {
            app::orders::service::rules::set(
                ctx,
                store,
                app::orders::domain::approval::default_rules(),
            )
            .await
        }
        Action::ViewService => app::aftersales::service::desk::day(ctx, store, ctx.today())
            .await
            .map(drop),
        Action::EditAppointments => app::aftersales::service::booking::book(
            ctx,
            &app::aftersales::domain::BookingInput {
                store_id: store,
                service_type: "repair".into(),
                day: ctx.today().to_string(),
                time: "08:40".into(),
                name: tag.chars().take(50).collect(),
                mobile: fresh_mobile(),
                plate: "沪A12345".into(),
                ..Default::default()
            },
            app::aftersales::service::booking::Booker::Desk(
                app::aftersales::domain::BookingSource::WalkIn,
            ),
            "",
        )
        .await
        .map(drop),
        Action::ManageServiceCapacity => {
            let version: i64 = sql("SELECT version FROM service_settings WHERE store_id = $1")
                .bind(store)
                .scalar(&app.db)
                .await
                .unwrap();
            let input = app::aftersales::domain::CapacityInput {
                slot_minutes: 60,
                horizon_days: 14,
                cutoff_minutes: 60,
                hours: (0..7)
                    .map(|_| app::aftersales::domain::DayHours::new("08:30", "17:30"))
                    .collect(),
                bays: vec![app::aftersales::domain::PoolBays::new(
                    "shared",
                    3 + version,
                )],
                closed_days: String::new(),
                version,
            };
            app::aftersales::service::capacity::set(ctx, store, &input)
                .await
                .map(drop)
        }
        Action::ViewComplaints => {
            app::aftersales::service::complaints::list(ctx, &Default::default())
                .await
                .map(drop)
        }
        Action::HandleComplaints => app::aftersales::service::complaints::create(
            ctx,
            &app::aftersales::domain::complaint::ComplaintInput {
                store_id: Some(store),
                category: "price".into(),
                severity: "urgent".into(),
                description: tag.to_owned(),
                ..Default::default()
            },
        )
        .await
        .map(drop),
        Action::ManageComplaintRules => {
            app::aftersales::service::complaints::set_rules(
                ctx,
                Some(store),
                app::aftersales::domain::complaint::ResponseHours::default(),
            )
            .await
        }
        Action::ViewAnalytics => app::analytics::service::sales::report(ctx, &Default::default())
            .await
            .map(drop),
        // Margins are a part of a report: shown, or left out (as if refused).
        Action::ViewMargins => {
            let report = app::analytics::service::sales::report(ctx, &Default::default()).await?;
            match report.totals.margin {
                Some(_) => Ok(()),
                None => Err(app::error::AppError::Forbidden("no margins".into())),
            }
        }
        Action::ManageTargets => app::analytics::service::targets::set(
            ctx,
            &app::analytics::domain::targets::TargetInput {
                store_id: store.to_string(),
                month: chrono::Utc::now().format("%Y-%m").to_string(),
                units: "10".into(),
                revenue: "2000000".into(),
            },
        )
        .await
        .map(drop),
    }
}

both_dbs!(every_role_calls_every_service_directly, |app| async move {
    app.seed_demo().await;
    for role in Role::ALL {
        let ctx = app.ctx_as(user_with(role)).await;
        for action in Action::ALL {
            let prepared = prepare(&app, action).await;
            let before = counts(&app).await;
            let tag = format!("{}_{:?}", role.code(), action).to_lowercase();
            let result = attempt_directly(&app, &ctx, action, &tag, &prepared).await;
            if allowed(role, action) {
                assert!(result.is_ok(), "{role:?} may {action:?}: {result:?}");
            } else {
                assert_eq!(
                    result.map_err(|e| e.status_code()),
                    Err(403),
                    "{role:?} may not {action:?}"
                );
                assert_eq!(
                    counts(&app).await,
                    before,
                    "a refused {action:?} by {role:?} changed nothing"
                );
            }
        }
    }
});

both_dbs!(
    a_store_bound_role_cannot_reach_another_stores_record,
    |app| async move {
        app.seed_demo().await;
        let sh: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
            .scalar(&app.db)
            .await
            .unwrap();
        let hz: i64 = sql("SELECT id FROM stores WHERE code = 'HZ01'")
            .scalar(&app.db)
            .await
            .unwrap();
        let (_, sales_key) = api_key::create(&app.db, "sh-sales", Role::Sales, Some(sh), None)
            .await
            .unwrap();
        let (_, gm_key) = api_key::create(&app.db, "group", Role::GeneralManager, None, None)
            .await
            .unwrap();
        let get = |path: String, key: String| {
            let c = app.new_client();
            let url = app.url(&path);
            async move { c.get(url).bearer_auth(key).send().await.unwrap() }
        };
        let own = get(format!("/api/v1/stores/{sh}"), sales_key.clone()).await;
        assert_eq!(own.status(), 200, "{:?}", own.text().await);
        let res = get(format!("/api/v1/stores/{hz}"), sales_key.clone()).await;
        assert_eq!(
            res.status(),
            404,
            "store A's salesperson is answered as for a store that does not exist"
        );
        let missing = get("/api/v1/stores/999999".into(), sales_key.clone()).await;
        assert_eq!(missing.status(), 404);
        let (a, b): (serde_json::Value, serde_json::Value) =
            (res.json().await.unwrap(), missing.json().await.unwrap());
        assert_eq!(a, b, "the same answer, word for word");
        let listed: Vec<serde_json::Value> = get("/api/v1/stores".into(), sales_key)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(listed.len(), 1, "the list holds only their own store");
        assert_eq!(
            get(format!("/api/v1/stores/{hz}"), gm_key.clone())
                .await
                .status(),
            200
        );
        assert_eq!(
            get("/api/v1/stores/999999".into(), gm_key).await.status(),
            404
        );

        // Through the pages too: a salesperson's store list is their own store.
        app.login_as("sh.sales").await;
        let (stores, _): (Vec<serde_json::Value>, Vec<serde_json::Value>) =
            app.call("stores/list", &[]).await.json().await.unwrap();
        assert_eq!(stores.len(), 1);
        assert_eq!(stores[0]["id"], sh);
    }
);

both_dbs!(
    admins_create_users_with_field_errors_for_bad_input,
    |app| async move {
        app.seed_demo().await;
        app.login_as("admin").await;
        let store: i64 = sql("SELECT id FROM stores WHERE code = 'SH01'")
            .scalar(&app.db)
            .await
            .unwrap();
        let store = store.to_string();
        let before = counts(&app).await;
        let bad = [
            (
                (
                    "Bad Name!",
                    "王五",
                    "sales",
                    store.as_str(),
                    "long-enough-1",
                ),
                "username",
            ),
            (
                ("wang.wu", "", "sales", store.as_str(), "long-enough-1"),
                "display_name",
            ),
            (
                ("wang.wu", "王五", "boss", store.as_str(), "long-enough-1"),
                "role",
            ),
            (
                ("wang.wu", "王五", "sales", "", "long-enough-1"),
                "store_id",
            ),
            (
                ("wang.wu", "王五", "sales", "999999", "long-enough-1"),
                "store_id",
            ),
            (
                ("wang.wu", "王五", "sales", store.as_str(), "short"),
                "password",
            ),
            (
                ("sh.sales", "王五", "sales", store.as_str(), "long-enough-1"),
                "username",
            ),
        ];
        for ((username, name, role, store_id, password), field) in bad {
            let res = app
                .call(
                    "admin/create_user",
                    &[
                        ("username", username),
                        ("display_name", name),
                        ("role", role),
                        ("store_id", store_id),
                        ("password", password),
                    ],
                )
                .await;
            assert_eq!(
                res.status(),
                422,
                "{username}/{role}/{store_id} should be refused"
            );
            let err: serde_json::Value = res.json().await.unwrap();
            assert_eq!(err["Invalid"]["fields"][0]["field"], field, "{err}");
        }
        assert_eq!(counts(&app).await, before, "bad input changes nothing");

        let res = app
            .call(
                "admin/create_user",
                &[
                    ("username", "Wang.Wu"),
                    ("display_name", "王五"),
                    ("role", "sales"),
                    ("store_id", &store),
                    ("password", "long-enough-1"),
                ],
            )
            .await;
        assert_eq!(res.status(), 200);
        let id: i64 = res.json().await.unwrap();
        let row: (String, String, Option<i64>) =
            sql("SELECT username, role, store_id FROM users WHERE id = $1")
                .bind(id)
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!(row.0, "wang.wu");
        let audited: i64 = sql("SELECT COUNT(*) FROM audit_log WHERE action = 'user.create' AND entity_id = $1 AND actor = 'user:admin'")
        .bind(id.to_string()).scalar(&app.db).await.unwrap();
        assert_eq!(audited, 1);

        // The new user signs in; disabling them ends their session at once.
        let wang = TestApp {
            client: app.new_client(),
            ..app.clone_handle()
        };
        let res = wang
            .call(
                "login",
                &[("username", "wang.wu"), ("password", "long-enough-1")],
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(wang.get("/").await.status(), 200);
        let res = app
            .call(
                "admin/update_user",
                &[
                    ("id", &id.to_string()),
                    ("role", "sales"),
                    ("store_id", &store),
                    ("active", "false"),
                ],
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(wang.get("/").await.status(), 303);
        let res = wang
            .call(
                "login",
                &[("username", "wang.wu"), ("password", "long-enough-1")],
            )
            .await;
        assert_eq!(res.status(), 401, "a disabled account cannot sign in");

        // An admin cannot lock themselves out.
        let admin_id: i64 = sql("SELECT id FROM users WHERE username = 'admin'")
            .scalar(&app.db)
            .await
            .unwrap();
        let res = app
            .call(
                "admin/update_user",
                &[
                    ("id", &admin_id.to_string()),
                    ("role", "admin"),
                    ("store_id", ""),
                    ("active", "false"),
                ],
            )
            .await;
        assert_eq!(res.status(), 409);
    }
);

both_dbs!(
    reset_password_signs_the_user_out_everywhere,
    |app| async move {
        app.seed_demo().await;
        let sales = TestApp {
            client: app.new_client(),
            ..app.clone_handle()
        };
        sales.login_as("sh.sales").await;
        let other_device = TestApp {
            client: app.new_client(),
            ..app.clone_handle()
        };
        other_device.login_as("sh.sales").await;
        app.login_as("admin").await;
        let id: i64 = sql("SELECT id FROM users WHERE username = 'sh.sales'")
            .scalar(&app.db)
            .await
            .unwrap();
        let res = app
            .call(
                "admin/reset_password",
                &[("id", &id.to_string()), ("password", "brand-new-pass")],
            )
            .await;
        assert_eq!(res.status(), 200);
        assert_eq!(sales.get("/").await.status(), 303);
        assert_eq!(other_device.get("/").await.status(), 303);
        let res = sales
            .call(
                "login",
                &[("username", "sh.sales"), ("password", "brand-new-pass")],
            )
            .await;
        assert_eq!(res.status(), 200);
    }
);

both_dbs!(
    api_keys_are_shown_once_and_revoked_from_the_admin_page,
    |app| async move {
        app.seed_demo().await;
        app.login_as("admin").await;
        let res = app
            .call(
                "admin/create_api_key",
                &[
                    ("name", "dms"),
                    ("role", "general_manager"),
                    ("store_id", ""),
                ],
            )
            .await;
        assert_eq!(res.status(), 200);
        let created: serde_json::Value = res.json().await.unwrap();
        let key = created["key"].as_str().unwrap().to_owned();
        let id = created["id"].as_i64().unwrap();
        let listed: Vec<serde_json::Value> = app
            .call("admin/list_api_keys", &[])
            .await
            .json()
            .await
            .unwrap();
        assert!(
            !serde_json::to_string(&listed).unwrap().contains(&key),
            "the list never shows the key"
        );
        let c = app.new_client();
        assert_eq!(
            c.get(app.url("/api/v1/me"))
                .bearer_auth(&key)
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
        assert_eq!(
            app.call("admin/revoke_api_key", &[("id", &id.to_string())])
                .await
                .status(),
            200
        );
        assert_eq!(
            c.get(app.url("/api/v1/me"))
                .bearer_auth(&key)
                .send()
                .await
                .unwrap()
                .status(),
            401
        );
        assert_eq!(
            app.call("admin/revoke_api_key", &[("id", &id.to_string())])
                .await
                .status(),
            404
        );
        let res = app
            .call(
                "admin/create_api_key",
                &[("name", ""), ("role", "sales"), ("store_id", "")],
            )
            .await;
        assert_eq!(res.status(), 422);
    }
);

both_dbs!(
    an_admin_signs_a_user_out_on_every_device,
    |app| async move {
        app.seed_demo().await;
        let tablet = TestApp {
            client: app.new_client(),
            ..app.clone_handle()
        };
        tablet.login_as("sh.sales").await;
        let phone = TestApp {
            client: app.new_client(),
            ..app.clone_handle()
        };
        phone.login_as("sh.sales").await;
        let manager = TestApp {
            client: app.new_client(),
            ..app.clone_handle()
        };
        manager.login_as("sh.manager").await;
        let id: i64 = sql("SELECT id FROM users WHERE username = 'sh.sales'")
            .scalar(&app.db)
            .await
            .unwrap();
        let res = manager
            .call("admin/end_sessions", &[("id", &id.to_string())])
            .await;
        assert_eq!(res.status(), 403, "only admins");
        assert_eq!(tablet.get("/").await.status(), 200);

        app.login_as("admin").await;
        let res = app
            .call("admin/end_sessions", &[("id", &id.to_string())])
            .await;
        assert_eq!(res.status(), 200);
        let ended: u64 = res.json().await.unwrap();
        assert_eq!(ended, 2);
        assert_eq!(tablet.get("/").await.status(), 303);
        assert_eq!(phone.get("/").await.status(), 303);
        assert_eq!(
            manager.get("/").await.status(),
            200,
            "other users stay signed in"
        );
        assert_eq!(
            app.call("admin/end_sessions", &[("id", "999999")])
                .await
                .status(),
            404
        );
    }
);
