//! CRM through its entry points on both databases: one mobile, one customer; stage moves
//! along the graph only; 今日 / 逾期 by the stores' midnight; who may open whose customer;
//! search by pinyin initials and the last four digits.

use crate::{both_dbs, helpers::TestApp};
use app::{
    auth::api_key,
    clock::Clock,
    crm::{
        domain::{
            customer::{CustomerFilter, CustomerInput},
            follow_up::{parse_local, DueView, FollowUpInput},
            lead::{LeadFilter, NextFollowUp, StageMove},
            LeadStage, Source,
        },
        service::{customers, follow_ups, leads},
    },
    db::sql,
    domain::Role,
};

fn person(name: &str, mobile: &str) -> CustomerInput {
    CustomerInput {
        name: name.into(),
        mobile: mobile.into(),
        ..Default::default()
    }
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sql(format!("SELECT COUNT(*) FROM {table}"))
        .scalar(&app.db)
        .await
        .unwrap()
}

both_dbs!(
    the_same_mobile_in_five_spellings_is_one_customer,
    |app| async move {
        app.seed_demo().await;
        let sales = app.ctx_as("sh.sales").await;
        let id = customers::create(&sales, &person("张三", "+86 138-0013-8000"), None)
            .await
            .unwrap();
        let before = (
            count(&app, "customers").await,
            count(&app, "audit_log").await,
        );
        for spelling in [
            "13800138000",
            "138 0013 8000",
            "0086 13800138000",
            " 138-0013-8000 ",
        ] {
            let e = customers::create(&sales, &person("张三丰", spelling), None)
                .await
                .unwrap_err();
            match e {
                app::error::AppError::Duplicate {
                    existing_id,
                    field,
                    ref message,
                    ..
                } => {
                    assert_eq!((existing_id, field.as_str()), (id, "mobile"));
                    assert!(message.contains("张三"), "{message}");
                }
                other => panic!("{spelling}: {other:?}"),
            }
        }
        // Another salesperson learns only that it exists and whose it is.
        let other = app.ctx_as("sh.sales2").await;
        let hit = customers::check_mobile(&other, "138 0013 8000")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((hit.id, hit.name, hit.may_open), (id, None, false));
        assert_eq!(hit.owner_name.as_deref(), Some("张伟"));
        // Through REST: 409 naming the existing id; the form: the mobile field's error,
        // with what was typed kept.
        let key = api_key::create(&app.db, "crm", Role::GeneralManager, None, None)
            .await
            .unwrap()
            .1;
        let res = app
            .client
            .post(app.url("/api/v1/customers"))
            .bearer_auth(&key)
            .json(&serde_json::json!({ "name": "张三", "mobile": "138-0013-8000", "store_id": app.store_id("HZ01").await }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["existing_id"], id, "{body}");
        assert_eq!(body["errors"][0]["field"], "mobile", "{body}");
        app.login_as("sh.sales2").await;
        let mut form = vec![("name", "张三"), ("mobile", "13800138000")];
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
        let res = app.call("crm/create_customer", &form).await;
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["Invalid"]["fields"][0]["field"], "mobile", "{body}");
        assert!(body.to_string().contains("张伟"), "names the owner: {body}");
        assert_eq!(
            (
                count(&app, "customers").await,
                count(&app, "audit_log").await - before.1
            ),
            (before.0, 1),
            "nothing created (the one audit entry is the sign-in)"
        );
    }
);

both_dbs!(
    stage_moves_outside_the_graph_and_losses_without_a_reason_are_refused,
    |app| async move {
        app.seed_demo().await;
        let sales = app.ctx_as("sh.sales").await;
        let id = customers::create(&sales, &person("李四", "13900001111"), None)
            .await
            .unwrap();
        let lead = leads::list(&sales, None, Some(id)).await.unwrap().remove(0);
        assert_eq!(lead.stage, LeadStage::New);
        let to = |stage: &str| StageMove {
            to: stage.into(),
            ..Default::default()
        };
        let e = leads::move_stage(&sales, lead.id, &to("won"))
            .await
            .unwrap_err();
        assert_eq!(e.fields()[0].field, "to");
        let e = leads::move_stage(&sales, lead.id, &to("lost"))
            .await
            .unwrap_err();
        assert_eq!(e.fields().len(), 2, "reason and note: {e:?}");
        assert_eq!(
            leads::move_stage(&sales, lead.id, &to("contacted"))
                .await
                .unwrap(),
            LeadStage::Contacted
        );
        // A stale version is refused.
        let stale = StageMove {
            version: Some(lead.version),
            ..to("test_drive")
        };
        assert_eq!(
            leads::move_stage(&sales, lead.id, &stale)
                .await
                .unwrap_err()
                .status_code(),
            409
        );
        let lost = StageMove {
            lost_reason: "competitor".into(),
            lost_note: "选了别家".into(),
            ..to("lost")
        };
        leads::move_stage(&sales, lead.id, &lost).await.unwrap();
        let after = leads::list(&sales, None, Some(id)).await.unwrap().remove(0);
        assert_eq!(
            (after.stage, after.lost_reason.as_str()),
            (LeadStage::Lost, "competitor")
        );
        let moves: i64 = sql("SELECT COUNT(*) FROM audit_log WHERE action = 'lead.stage'")
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(moves, 2, "each move audited, refusals not");
    }
);

both_dbs!(
    today_and_overdue_turn_at_midnight_in_shanghai,
    |app| async move {
        app.seed_demo().await;
        let sales = app.ctx_as("sh.sales").await;
        let id = customers::create(&sales, &person("王五", "13900002222"), None)
            .await
            .unwrap();
        let fid = follow_ups::create(
            &sales,
            &FollowUpInput {
                customer_id: id,
                due: "2026-11-27T09:00".into(),
                channel: "call".into(),
                goal: "约试驾".into(),
            },
        )
        .await
        .unwrap();
        let at = |local: &str| {
            let mut state = app.state.clone();
            state.clock = Clock::Fixed(parse_local(local).unwrap());
            let p = sales.principal().unwrap().clone();
            app::ctx::Ctx::for_principal(state, p, app::i18n::Lang::En)
        };
        let ids = |rows: Vec<app::crm::domain::follow_up::FollowUpRow>| {
            rows.into_iter().map(|r| r.id).collect::<Vec<_>>()
        };
        let before = at("2026-11-27T23:59");
        // (The demo's own follow-ups are due around the real today; only this one counts.)
        let has = |rows: Vec<app::crm::domain::follow_up::FollowUpRow>| ids(rows).contains(&fid);
        assert!(has(follow_ups::list(&before, DueView::Today, false, None)
            .await
            .unwrap()));
        assert!(!has(follow_ups::list(
            &before,
            DueView::Overdue,
            false,
            None
        )
        .await
        .unwrap()));
        let after = at("2026-11-28T00:01");
        assert!(!has(follow_ups::list(&after, DueView::Today, false, None)
            .await
            .unwrap()));
        assert!(has(follow_ups::list(&after, DueView::Overdue, false, None)
            .await
            .unwrap()));
        let due = follow_ups::due_count(&after).await.unwrap();
        assert!(due >= 1);
        follow_ups::complete(&after, fid, "客户周六到店")
            .await
            .unwrap();
        assert_eq!(follow_ups::due_count(&after).await.unwrap(), due - 1);
        assert_eq!(
            follow_ups::complete(&after, fid, "again")
                .await
                .unwrap_err()
                .status_code(),
            409
        );
    }
);

both_dbs!(
    a_salesperson_opens_only_their_own_and_the_stores_unassigned_customers,
    |app| async move {
        app.seed_demo().await;
        let a = app.ctx_as("sh.sales").await;
        let id = customers::create(&a, &person("赵六", "13900003333"), None)
            .await
            .unwrap();
        let status = |r: Result<app::crm::domain::customer::CustomerRow, app::error::AppError>| {
            r.map(|_| 200).unwrap_or_else(|e| e.status_code())
        };
        assert_eq!(status(customers::get(&a, id).await), 200);
        assert_eq!(
            status(customers::get(&app.ctx_as("sh.sales2").await, id).await),
            403
        );
        assert_eq!(
            status(customers::get(&app.ctx_as("sh.manager").await, id).await),
            200
        );
        assert_eq!(
            status(customers::get(&app.ctx_as("hz.manager").await, id).await),
            403
        );
        assert_eq!(
            status(customers::get(&app.ctx_as("gm").await, id).await),
            200
        );
        assert_eq!(status(customers::get(&a, 999_999).await), 404);
        // Changing is refused the same way, and changes nothing.
        let b = app.ctx_as("sh.sales2").await;
        let e = customers::update(&b, id, &person("改名", "13900003333"), 1)
            .await
            .unwrap_err();
        assert_eq!(e.status_code(), 403);
        assert_eq!(customers::get(&a, id).await.unwrap().name, "赵六");
        // B's list does not show it.
        let page = customers::list(&b, &CustomerFilter::default())
            .await
            .unwrap();
        assert!(page.rows.iter().all(|r| r.id != id));
        // Through the server function and REST: 403 with nothing of the customer.
        app.login_as("sh.sales2").await;
        let res = app.call("crm/customer", &[("id", &id.to_string())]).await;
        assert_eq!(res.status(), 403);
        assert!(!res.text().await.unwrap().contains("赵六"));
        let key = api_key::create(
            &app.db,
            "hz",
            Role::SalesManager,
            Some(app.store_id("HZ01").await),
            None,
        )
        .await
        .unwrap()
        .1;
        let res = app
            .client
            .get(app.url(&format!("/api/v1/customers/{id}")))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403);
        assert!(!res.text().await.unwrap().contains("赵六"));
    }
);

both_dbs!(
    pinyin_initials_and_the_last_four_digits_find_the_right_people,
    |app| async move {
        app.seed_demo().await;
        let m = app.ctx_as("sh.manager").await;
        for (name, mobile) in [
            ("张三", "13800001234"),
            ("周杰", "13800005678"),
            ("李四", "13700001234"),
        ] {
            customers::create(&m, &person(name, mobile), None)
                .await
                .unwrap();
        }
        let names = |q: &str| {
            let m = m.clone();
            let q = q.to_owned();
            async move {
                let mut n: Vec<String> = customers::list(
                    &m,
                    &CustomerFilter {
                        q: Some(q),
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
                .rows
                .into_iter()
                .map(|r| r.name)
                // Only this test's people (the demo's have names too).
                .filter(|n| ["张三", "周杰", "李四"].contains(&n.as_str()))
                .collect();
                n.sort();
                n
            }
        };
        assert_eq!(names("zs").await, ["张三"]);
        assert_eq!(names("ZS").await, ["张三"]);
        // Sorted by code point: 周 < 张 < 李.
        assert_eq!(names("z").await, ["周杰", "张三"]);
        assert_eq!(names("1234").await, ["张三", "李四"]);
        assert_eq!(names("138 0000 5678").await, ["周杰"]);
        assert_eq!(names("李").await, ["李四"]);
        // Lists show the mobile masked.
        let page = customers::list(
            &m,
            &CustomerFilter {
                q: Some("zs".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(page.rows[0].mobile, "138****1234");
    }
);

both_dbs!(
    a_merge_moves_every_linked_record_and_leaves_one_audit_entry,
    |app| async move {
        app.seed_demo().await;
        let sales = app.ctx_as("sh.sales").await;
        let keep = customers::create(&sales, &person("钱七", "13900004444"), None)
            .await
            .unwrap();
        let other = customers::create(&sales, &person("钱七(旧)", "13900005555"), None)
            .await
            .unwrap();
        follow_ups::create(
            &sales,
            &FollowUpInput {
                customer_id: other,
                due: "2026-12-01T10:00".into(),
                channel: "call".into(),
                goal: "回访".into(),
            },
        )
        .await
        .unwrap();
        // A salesperson may not merge; a manager of the store may.
        assert_eq!(
            customers::merge(&sales, keep, other)
                .await
                .unwrap_err()
                .status_code(),
            403
        );
        let manager = app.ctx_as("sh.manager").await;
        assert_eq!(
            customers::merge(&manager, keep, keep)
                .await
                .unwrap_err()
                .status_code(),
            422
        );
        let audits = count(&app, "audit_log").await;
        customers::merge(&manager, keep, other).await.unwrap();
        assert_eq!(
            count(&app, "audit_log").await,
            audits + 1,
            "one audit entry"
        );
        let moved: (i64, i64) = (
            sql("SELECT COUNT(*) FROM leads WHERE customer_id = $1")
                .bind(keep)
                .scalar(&app.db)
                .await
                .unwrap(),
            sql("SELECT COUNT(*) FROM follow_ups WHERE customer_id = $1")
                .bind(keep)
                .scalar(&app.db)
                .await
                .unwrap(),
        );
        assert_eq!(
            moved,
            (2, 1),
            "both leads and the follow-up now the survivor's"
        );
        let left: i64 = sql("SELECT COUNT(*) FROM leads WHERE customer_id = $1")
            .bind(other)
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(left, 0);
        // The merged one is kept, not deleted, and no longer opens or lists.
        let merged_into: Option<i64> = sql("SELECT merged_into FROM customers WHERE id = $1")
            .bind(other)
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(merged_into, Some(keep));
        assert_eq!(
            customers::get(&manager, other)
                .await
                .unwrap_err()
                .status_code(),
            404
        );
        // Its mobile is free for the survivor to take.
        let row = customers::get(&manager, keep).await.unwrap();
        customers::update(&manager, keep, &person("钱七", "13900005555"), row.version)
            .await
            .unwrap();
    }
);

both_dbs!(
    reassigning_a_customer_moves_their_open_follow_ups,
    |app| async move {
        app.seed_demo().await;
        let sales = app.ctx_as("sh.sales").await;
        let id = customers::create(&sales, &person("孙八", "13900006666"), None)
            .await
            .unwrap();
        follow_ups::create(
            &sales,
            &FollowUpInput {
                customer_id: id,
                due: "2026-12-01T10:00".into(),
                channel: "visit".into(),
                goal: "到店".into(),
            },
        )
        .await
        .unwrap();
        let to: i64 = sql("SELECT id FROM users WHERE username = 'sh.sales2'")
            .scalar(&app.db)
            .await
            .unwrap();
        let manager = app.ctx_as("sh.manager").await;
        let hz: i64 = sql("SELECT id FROM users WHERE username = 'hz.sales'")
            .scalar(&app.db)
            .await
            .unwrap();
        assert_eq!(
            customers::reassign(&manager, id, Some(hz))
                .await
                .unwrap_err()
                .fields()[0]
                .field,
            "owner_id",
            "not someone of another store"
        );
        customers::reassign(&manager, id, Some(to)).await.unwrap();
        let owners: Vec<(i64,)> =
            sql("SELECT owner_id FROM follow_ups WHERE customer_id = $1 AND done_at IS NULL")
                .bind(id)
                .fetch_all(&app.db)
                .await
                .unwrap();
        assert_eq!(owners, [(to,)]);
        // The old owner no longer opens it; the new one does.
        assert_eq!(
            customers::get(&sales, id).await.unwrap_err().status_code(),
            403
        );
        customers::get(&app.ctx_as("sh.sales2").await, id)
            .await
            .unwrap();
    }
);

/// Uploads `text` as a CSV to the customer import, asking for JSON.
async fn import_csv(app: &TestApp, text: &str, dry_run: bool) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name("客户.csv"),
    );
    if dry_run {
        form = form.text("dry_run", "1");
    }
    app.client
        .post(app.url("/crm/import"))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

both_dbs!(
    an_import_names_every_duplicate_by_row_and_writes_all_or_nothing,
    |app| async move {
        app.seed_demo().await;
        let sales = app.ctx_as("sh.sales").await;
        customers::create(&sales, &person("已有客户", "13900007777"), None)
            .await
            .unwrap();
        app.login_as("sh.sales").await;
        let before = (count(&app, "customers").await, count(&app, "leads").await);
        let bad = "姓名,手机号,客户来源\n\
                   周一,13900008881,到店\n\
                   周二,+86 139-0000-8881,电话\n\
                   周三,139 0000 7777,网站\n\
                   ,12345,电视\n";
        let res = import_csv(&app, bad, false).await;
        assert_eq!(res.status(), 422);
        let body: serde_json::Value = res.json().await.unwrap();
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert_eq!(
            fields,
            [
                "rows.3.mobile",
                "rows.4.mobile",
                "rows.5.name",
                "rows.5.mobile",
                "rows.5.source"
            ],
            "{body}"
        );
        assert!(
            body.to_string().contains("张伟"),
            "the holder is named: {body}"
        );
        assert_eq!(
            (count(&app, "customers").await, count(&app, "leads").await),
            before,
            "nothing written"
        );
        // A clean file: the dry run reports and writes nothing; the import takes all.
        let good =
            "name,mobile,source,tags\n吴一,13900008882,referral,老客户\n吴二,13900008883,,\n";
        let res = import_csv(&app, good, true).await;
        assert_eq!(res.status(), 200);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(
            (body["rows"].as_i64(), body["dry_run"].as_bool()),
            (Some(2), Some(true))
        );
        assert_eq!(count(&app, "customers").await, before.0);
        let res = import_csv(&app, good, false).await;
        assert_eq!(res.status(), 200);
        assert_eq!(count(&app, "customers").await, before.0 + 2);
        assert_eq!(count(&app, "leads").await, before.1 + 2);
        let owned: i64 = sql(
            "SELECT COUNT(*) FROM customers c JOIN users u ON u.id = c.owner_id
             WHERE u.username = 'sh.sales' AND c.name IN ('吴一', '吴二')",
        )
        .scalar(&app.db)
        .await
        .unwrap();
        assert_eq!(owned, 2, "a salesperson's import is theirs");
        // A group role names the store; one that does not exist is refused by name.
        let gm = app.ctx_as("gm").await;
        let e = customers::import(
            &gm,
            vec![person("冯十", "13900008884")],
            Some(999_999),
            false,
        )
        .await
        .unwrap_err();
        assert_eq!(e.fields()[0].field, "store_id");
        // The export lists them.
        let res = app.get("/crm/customers.xlsx?q=%E5%90%B4").await;
        assert_eq!(res.status(), 200);
        assert!(res.bytes().await.unwrap().starts_with(b"PK"));
    }
);

both_dbs!(
    a_template_plans_its_follow_ups_in_one_step,
    |app| async move {
        app.seed_demo().await;
        let sales = app.ctx_as("sh.sales").await;
        let id = customers::create(&sales, &person("郑九", "13900009999"), None)
            .await
            .unwrap();
        let audits = count(&app, "audit_log").await;
        let ids = follow_ups::apply_template(
            &sales,
            id,
            app::crm::domain::follow_up::PlanTemplate::AfterDelivery,
        )
        .await
        .unwrap();
        assert_eq!(ids.len(), 3);
        assert_eq!(count(&app, "audit_log").await, audits + 1);
        let week = follow_ups::list(&sales, DueView::Week, false, None)
            .await
            .unwrap();
        assert!(week.iter().any(|f| f.id == ids[0]), "day 3 is this week");
        assert!(!week.iter().any(|f| f.id == ids[1]), "day 30 is not");
        // Another salesperson may not plan for this customer.
        let other = app.ctx_as("sh.sales2").await;
        assert_eq!(
            follow_ups::apply_template(
                &other,
                id,
                app::crm::domain::follow_up::PlanTemplate::NewLead
            )
            .await
            .unwrap_err()
            .status_code(),
            403
        );
    }
);

both_dbs!(
    the_lead_list_filters_by_stage_owner_source_contact_and_next_follow_up,
    |app| async move {
        app.seed_demo().await;
        let a = app.ctx_as("sh.sales").await;
        let b = app.ctx_as("sh.sales2").await;
        let show = customers::create(
            &a,
            &CustomerInput {
                source: "auto_show".into(),
                ..person("车展客", "13900011111")
            },
            None,
        )
        .await
        .unwrap();
        let quiet = customers::create(&a, &person("沉默客", "13900011112"), None)
            .await
            .unwrap();
        let other = customers::create(&b, &person("别人的", "13900011113"), None)
            .await
            .unwrap();
        // One contacted today with a follow-up tomorrow; one never contacted and overdue.
        let lead_of = |id| {
            let a = a.clone();
            async move { leads::list(&a, None, Some(id)).await.unwrap().remove(0) }
        };
        let l = lead_of(show).await;
        leads::move_stage(
            &a,
            l.id,
            &StageMove {
                to: "test_drive".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
        let local = |t: chrono::DateTime<chrono::Utc>| {
            (t + chrono::Duration::hours(8))
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        };
        let plan = |id, due: String| FollowUpInput {
            customer_id: id,
            due,
            channel: "call".into(),
            goal: "回访".into(),
        };
        follow_ups::create(&a, &plan(show, local(tomorrow)))
            .await
            .unwrap();
        follow_ups::create(
            &a,
            &plan(quiet, local(chrono::Utc::now() - chrono::Duration::days(3))),
        )
        .await
        .unwrap();
        let ids = |f: LeadFilter| {
            let a = a.clone();
            async move {
                leads::search(&a, &f, 500)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|i| i.lead.customer_id)
                    .filter(|c| [show, quiet, other].contains(c))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            ids(LeadFilter::default()).await,
            [show, quiet],
            "B's lead is not A's to see"
        );
        let stage = LeadFilter {
            stage: Some(LeadStage::TestDrive),
            ..Default::default()
        };
        assert_eq!(ids(stage).await, [show]);
        let source = LeadFilter {
            source: Some(Source::AutoShow),
            ..Default::default()
        };
        assert_eq!(ids(source).await, [show]);
        let silent = LeadFilter {
            quiet_days: Some(1),
            ..Default::default()
        };
        assert_eq!(ids(silent).await, [quiet], "contacted today is not quiet");
        let overdue = LeadFilter {
            next: Some(NextFollowUp::Overdue),
            ..Default::default()
        };
        assert_eq!(ids(overdue).await, [quiet]);
        let week = LeadFilter {
            next: Some(NextFollowUp::Week),
            ..Default::default()
        };
        assert_eq!(
            ids(week).await,
            [show],
            "the overdue one's next task is not this week's"
        );
        let unplanned = LeadFilter {
            next: Some(NextFollowUp::Unplanned),
            ..Default::default()
        };
        assert_eq!(ids(unplanned).await, Vec::<i64>::new());
        // A manager filters by owner and sees both salespeople's leads.
        let m = app.ctx_as("sh.manager").await;
        let b_id = b.principal().unwrap().user_id;
        let by_b = leads::search(
            &m,
            &LeadFilter {
                owner_id: b_id,
                ..Default::default()
            },
            500,
        )
        .await
        .unwrap();
        assert!(by_b.iter().any(|i| i.lead.customer_id == other));
        assert!(by_b.iter().all(|i| i.lead.owner_id == b_id));
        let owners = leads::owners(&a).await.unwrap();
        assert_eq!(owners.len(), 1, "a salesperson filters by themself only");
        // Out-of-range days are refused by name (server function, REST).
        let e = leads::search(
            &a,
            &LeadFilter {
                quiet_days: Some(0),
                ..Default::default()
            },
            500,
        )
        .await
        .unwrap_err();
        assert_eq!(e.fields()[0].field, "quiet_days");
        app.login_as("sh.sales").await;
        let key = api_key::create(
            &app.db,
            "sh",
            Role::SalesManager,
            Some(app.store_id("SH01").await),
            None,
        )
        .await
        .unwrap()
        .1;
        let rest = |q: &'static str| {
            let (client, url, key) = (
                app.client.clone(),
                app.url(&format!("/api/v1/leads?{q}")),
                key.clone(),
            );
            async move { client.get(url).bearer_auth(key).send().await.unwrap() }
        };
        assert_eq!(rest("quiet_days=1000").await.status(), 422);
        let body: serde_json::Value = rest("source=auto_show&stage=test_drive")
            .await
            .json()
            .await
            .unwrap();
        assert!(body
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["customer_id"] == show && l["source"] == "auto_show"));
        // The export holds what the page shows, under the same filter.
        let res = app.get("/crm/leads.xlsx?next=overdue").await;
        assert_eq!(res.status(), 200);
        let grid = app::import::read_grid(
            &res.bytes().await.unwrap(),
            app::i18n::Lang::ZhCn,
            app::import::Limits::BATCH,
        )
        .unwrap();
        assert_eq!(grid[0][0], "姓名 / 名称");
        assert!(grid.iter().any(|r| r[0] == "沉默客" && r[4] == "从未联系"));
        assert!(
            !grid.iter().any(|r| r[0] == "车展客"),
            "filtered like the page"
        );
    }
);

both_dbs!(
    a_planned_follow_up_reaches_its_owners_open_pages_only,
    |app| async move {
        use futures::StreamExt;
        app.seed_demo().await;
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
        let mut mine = listen("sh.sales").await;
        let mut other = listen("sh.sales2").await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let sales = app.ctx_as("sh.sales").await;
        let id = customers::create(&sales, &person("钱七", "13900012345"), None)
            .await
            .unwrap();
        // Due in ten minutes: what the open app will announce; tomorrow's is not yet.
        let local = |t: chrono::DateTime<chrono::Utc>| {
            (t + chrono::Duration::hours(8))
                .format("%Y-%m-%dT%H:%M:%S")
                .to_string()
        };
        let plan = |due| FollowUpInput {
            customer_id: id,
            due,
            channel: "wechat".into(),
            goal: "发报价".into(),
        };
        let soon = follow_ups::create(
            &sales,
            &plan(local(chrono::Utc::now() + chrono::Duration::minutes(10))),
        )
        .await
        .unwrap();
        let later = follow_ups::create(
            &sales,
            &plan(local(chrono::Utc::now() + chrono::Duration::hours(30))),
        )
        .await
        .unwrap();
        let mut text = String::new();
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        while !text.contains("event: follow_up") {
            let chunk = tokio::time::timeout_at(deadline, mine.next())
                .await
                .expect("the owner's page hears the new task within 5 s")
                .expect("stream open")
                .unwrap();
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
        // Another salesperson of the same store hears nothing of it.
        let quiet = tokio::time::timeout(std::time::Duration::from_millis(500), other.next()).await;
        if let Ok(Some(Ok(chunk))) = quiet {
            assert!(!String::from_utf8_lossy(&chunk).contains("event: follow_up"));
        }
        let upcoming: Vec<i64> = follow_ups::upcoming(&sales)
            .await
            .unwrap()
            .into_iter()
            .map(|f| f.id)
            .collect();
        assert!(upcoming.contains(&soon));
        assert!(
            !upcoming.contains(&later),
            "30 hours ahead is not announced yet"
        );
        let theirs = follow_ups::upcoming(&app.ctx_as("sh.sales2").await)
            .await
            .unwrap();
        assert!(theirs.iter().all(|f| f.id != soon), "only the owner's");
    }
);
