//! 批量导入: orders from a filled-in template, all rows or none.
//!
//! Every row goes through the tablet's own checks — [`OrderInput::check_as`] for the
//! fields and figures, the store's approval rules ([`approval::required_levels`]) for
//! where a submitted order stands — after its names are looked up: the customer by mobile
//! (created with the order when a name is given and the mobile is new), the store by
//! code, the car by model / trim / colour names or by VIN. Look-ups are batched (the
//! catalogue once, customers and vehicles a few hundred per query), so a file of 10,000
//! rows is checked in well under a second. Every problem is collected, named
//! `rows.N.column` with N the sheet's row; a VIN twice in the file is refused too.
//!
//! A dry run stops there and writes nothing. The real run writes everything in ONE
//! transaction with multi-row statements: the new customers and their leads, the holds
//! (a guarded update `… WHERE status = 'in_stock'`, and the partial unique index on
//! `orders.vehicle_id` still guarding), one order-number reservation per store and day,
//! the orders with the status and approval levels `submit_in` would give them, their
//! extra lines and deposits, an audit entry per change and one for the import. The events
//! go out once it commits.

use super::{
    import_event,
    orders::{discount_kind, encode_levels, Car, HOLD_MS},
    rules,
};
use crate::{
    audit::AuditEntry,
    auth::{Action, Principal},
    clock,
    crm::{
        domain::customer::{parse_mobile, CustomerInput},
        service::{
            customers::{insert_many, new_owner, NewProfile},
            may_open as may_open_customer,
        },
    },
    ctx::Ctx,
    db::{rows_per_statement, sql, value_rows, Tx, Val},
    domain::{Money, Role},
    error::{AppError, FieldError, OrTaken},
    i18n::Lang,
    inventory::{
        domain::{catalog::Catalog, vehicle::StockChange},
        service::alerts::{reconcile_thresholds, sweep_aged},
    },
    orders::{
        api::yuan_text,
        domain::{
            approval::{self, Facts, Level, Rule},
            import::{
                column_index, column_of, parse_yes_no, ImportReport, ImportRow, MAX_PROBLEMS,
                MAX_ROWS,
            },
            input::{CheckedOrder, ExtraInput},
            number,
            status::{OrderStatus, Transition},
            OrderInput,
        },
    },
};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Customers or VINs looked up per query.
const LOOKUP_CHUNK: usize = 500;

/// The catalogue by the names a spreadsheet uses (any case; a model or colour also by its
/// English name).
struct Names {
    models: HashMap<String, i64>,
    /// (model, trim name) → trim.
    trims: HashMap<(i64, String), i64>,
    /// trim name → the trims of that name, in every model.
    trims_anywhere: HashMap<String, Vec<i64>>,
    /// trim → (model, guide price in fen).
    trim_facts: HashMap<i64, (i64, i64)>,
    /// (model, colour name) → colour.
    colors: HashMap<(i64, String), i64>,
}

fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

impl Names {
    fn new(cat: &Catalog) -> Names {
        let mut n = Names {
            models: HashMap::new(),
            trims: HashMap::new(),
            trims_anywhere: HashMap::new(),
            trim_facts: HashMap::new(),
            colors: HashMap::new(),
        };
        for m in &cat.models {
            n.models.insert(key(&m.name), m.id);
            n.models.entry(key(&m.name_en)).or_insert(m.id);
        }
        for t in &cat.trims {
            n.trims.insert((t.model_id, key(&t.name)), t.id);
            n.trims_anywhere.entry(key(&t.name)).or_default().push(t.id);
            n.trim_facts.insert(t.id, (t.model_id, t.msrp_fen));
        }
        for c in &cat.colors {
            n.colors.insert((c.model_id, key(&c.name)), c.id);
            n.colors
                .entry((c.model_id, key(&c.name_en)))
                .or_insert(c.id);
        }
        n
    }
}

/// A customer on file, as the import needs them.
struct OnFile {
    id: i64,
    store_id: i64,
    owner_id: Option<i64>,
}

/// A vehicle named by VIN, as the import needs it.
#[derive(sqlx::FromRow)]
struct Stock {
    id: i64,
    vin: String,
    model_id: i64,
    trim_id: i64,
    color_id: i64,
    warehouse_id: i64,
    store_id: i64,
    status: String,
    list_price_fen: i64,
    held: bool,
    in_transfer: bool,
}

impl Stock {
    fn car(&self) -> Car {
        Car {
            id: self.id,
            vin: self.vin.clone(),
            model_id: self.model_id,
            trim_id: self.trim_id,
            color_id: self.color_id,
            warehouse_id: self.warehouse_id,
            store_id: self.store_id,
        }
    }
}

/// Whose order a row is: a customer on file, or one created with it (by mobile).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Buyer {
    OnFile(i64),
    New(String),
}

/// A row that passed every check: the order as it will be written.
struct Planned {
    line: usize,
    buyer: Buyer,
    store_id: i64,
    salesperson: Option<i64>,
    model_id: i64,
    trim_id: i64,
    color_id: i64,
    car: Option<Car>,
    order: CheckedOrder,
    status: OrderStatus,
    levels: Vec<Level>,
    /// Why the levels are asked (for the audit, as `submit_in` records it).
    why: Vec<String>,
}

/// Everything the rows are checked against, read once for the whole file.
struct Lookups {
    names: Names,
    /// Active stores: code (upper case) → id; and id → code.
    stores: HashMap<String, i64>,
    store_codes: HashMap<i64, String>,
    customers: HashMap<String, OnFile>,
    stock: HashMap<String, Stock>,
    rules: HashMap<i64, Vec<Rule>>,
}

/// Checks one row. Its problems, each on its column, or the order it makes. `seen_vins`
/// and `new_customers` carry what earlier rows claimed (a VIN, a new customer's mobile).
fn plan_row(
    ctx: &Ctx,
    p: &Principal,
    look: &Lookups,
    row: &ImportRow,
    seen_vins: &mut HashMap<String, usize>,
    new_customers: &mut HashMap<String, (usize, NewProfile)>,
) -> Result<Planned, Vec<FieldError>> {
    let lang = ctx.lang();
    let line = row.line;
    let mut errors: Vec<FieldError> = Vec::new();
    // The columns a look-up refused: the check's own complaint about the same column
    // (an id left empty because the name did not read) would only repeat it.
    let mut failed: HashSet<&'static str> = HashSet::new();
    let mut bad = |column: &'static str, message: String| {
        failed.insert(column);
        errors.push(FieldError {
            field: format!("rows.{line}.{column}"),
            message,
        });
    };

    // The store, when named.
    let named_store = match row.store_code.trim() {
        "" => None,
        code => match look.stores.get(&code.to_uppercase()) {
            Some(&id) if p.can_access_store(id) => Some(id),
            _ => {
                bad("store_code", ctx.t("order.bad_store").into());
                None
            }
        },
    };
    let store_failed = named_store.is_none() && !row.store_code.trim().is_empty();

    // The customer: on file by mobile, in the caller's reach; or new, with a name (which
    // `waits_on_store` for a store to join, when none is named or it did not read).
    let mut waits_on_store = false;
    let mut customer_store = None;
    let mut owner = None;
    let buyer = match parse_mobile(&row.customer_mobile) {
        _ if row.customer_mobile.trim().is_empty() => {
            bad("customer_mobile", ctx.t("customer.mobile_required").into());
            None
        }
        None => {
            bad("customer_mobile", ctx.t("customer.bad_mobile").into());
            None
        }
        Some(mobile) => match look.customers.get(mobile.as_str()) {
            Some(c) if may_open_customer(p, c.store_id, c.owner_id) => {
                customer_store = Some(c.store_id);
                owner = c.owner_id;
                Some(Buyer::OnFile(c.id))
            }
            Some(_) => {
                bad(
                    "customer_mobile",
                    ctx.t("order.import_customer_elsewhere").into(),
                );
                None
            }
            None if row.customer_name.trim().is_empty() => {
                bad(
                    "customer_mobile",
                    ctx.t("order.import_customer_unknown").into(),
                );
                None
            }
            None => {
                let key = mobile.as_str().to_owned();
                owner = new_owner(p);
                match new_customers.get(&key) {
                    Some((first, known)) => {
                        if known.customer.name != row.customer_name.trim() {
                            bad(
                                "customer_name",
                                ctx.tf(
                                    "order.import_same_mobile_other_name",
                                    &[("row", &first.to_string())],
                                ),
                            );
                        }
                        customer_store = Some(known.store_id);
                        Some(Buyer::New(key))
                    }
                    None => {
                        let store = named_store.or(p.store_scope());
                        let checked = CustomerInput {
                            name: row.customer_name.clone(),
                            mobile: row.customer_mobile.clone(),
                            ..Default::default()
                        }
                        .check(lang);
                        match (store, checked) {
                            (None, _) if store_failed => {
                                waits_on_store = true;
                                None
                            }
                            (None, _) => {
                                waits_on_store = true;
                                bad("store_code", ctx.t("order.import_store_required").into());
                                None
                            }
                            (Some(_), Err(e)) => {
                                for f in e.fields() {
                                    let column = if f.field == "mobile" {
                                        "customer_mobile"
                                    } else {
                                        "customer_name"
                                    };
                                    bad(column, f.message.clone());
                                }
                                None
                            }
                            (Some(store_id), Ok(customer)) => {
                                customer_store = Some(store_id);
                                new_customers.insert(
                                    key.clone(),
                                    (
                                        line,
                                        NewProfile {
                                            customer,
                                            store_id,
                                            owner,
                                        },
                                    ),
                                );
                                Some(Buyer::New(key))
                            }
                        }
                    }
                }
            }
        },
    };

    // The order's store: the one named, else the customer's — active, and the caller's.
    let store_id = named_store.or(customer_store);
    if named_store.is_none() && !store_failed {
        if let Some(s) = store_id {
            if !look.store_codes.contains_key(&s) || !p.can_access_store(s) {
                bad("store_code", ctx.t("order.bad_store").into());
            }
        }
    }

    // The vehicle, by VIN: in stock in a store the caller may use, free, once in the file.
    let vin = row.vin.trim().to_uppercase();
    let stock = if vin.is_empty() {
        None
    } else if let Some(first) = seen_vins.get(&vin) {
        bad(
            "vin",
            ctx.tf("order.import_same_vin", &[("row", &first.to_string())]),
        );
        None
    } else {
        seen_vins.insert(vin.clone(), line);
        match look.stock.get(&vin) {
            Some(v) if p.can_access_store(v.store_id) => {
                if v.status != "in_stock" || v.held {
                    bad("vin", ctx.tf("order.vehicle_taken", &[("vin", &v.vin)]));
                    None
                } else if v.in_transfer {
                    bad(
                        "vin",
                        ctx.tf("order.vehicle_in_transfer", &[("vin", &v.vin)]),
                    );
                    None
                } else {
                    Some(v)
                }
            }
            _ => {
                bad("vin", ctx.t("order.vehicle_not_found").into());
                None
            }
        }
    };

    // The specification, by name, within the catalogue; the vehicle's when left out.
    let names = &look.names;
    let model_id = match row.model.trim() {
        "" => stock.map(|v| v.model_id),
        m => match names.models.get(&key(m)) {
            Some(id) => Some(*id),
            None => {
                bad("model", ctx.t("order.import_unknown_model").into());
                None
            }
        },
    };
    let model_failed = model_id.is_none() && !row.model.trim().is_empty();
    let trim_id = match row.trim.trim() {
        "" => stock.map(|v| v.trim_id),
        _ if model_failed => None,
        t => match model_id {
            Some(m) => match names.trims.get(&(m, key(t))) {
                Some(id) => Some(*id),
                None => {
                    bad("trim", ctx.t("order.unknown_trim").into());
                    None
                }
            },
            None => match names.trims_anywhere.get(&key(t)).map(Vec::as_slice) {
                Some([id]) => Some(*id),
                Some([_, _, ..]) => {
                    bad("trim", ctx.t("order.import_trim_ambiguous").into());
                    None
                }
                _ => {
                    bad("trim", ctx.t("order.unknown_trim").into());
                    None
                }
            },
        },
    };
    let spec_model = trim_id
        .and_then(|t| names.trim_facts.get(&t))
        .map(|(m, _)| *m)
        .or(model_id);
    let color_id = match (row.color.trim(), spec_model) {
        ("", _) => stock.map(|v| v.color_id),
        (_, None) => None,
        (c, Some(m)) => match names.colors.get(&(m, key(c))) {
            Some(id) => Some(*id),
            None => {
                bad("color", ctx.t("order.unknown_color").into());
                None
            }
        },
    };
    if let Some(v) = stock {
        let differs = |given: Option<i64>, has: i64| given.is_some_and(|g| g != has);
        if differs(model_id, v.model_id)
            || differs(trim_id, v.trim_id)
            || differs(color_id, v.color_id)
        {
            bad("vin", ctx.tf("order.vehicle_mismatch", &[("vin", &v.vin)]));
        }
    }

    // The list price left blank is the car's: the vehicle's own, else its trim's.
    let list_price = match row.list_price.trim() {
        "" => stock
            .map(|v| v.list_price_fen)
            .filter(|p| *p > 0)
            .or_else(|| {
                trim_id
                    .and_then(|t| names.trim_facts.get(&t))
                    .map(|(_, msrp)| *msrp)
            })
            .filter(|p| *p > 0)
            .map(|fen| yuan_text(Money::from_fen(fen)))
            .unwrap_or_default(),
        typed => typed.to_owned(),
    };

    // The extra lines: one per priced column.
    let mut extras = Vec::new();
    let mut extra_columns: Vec<&'static str> = Vec::new();
    for (column, price) in [
        ("accessory", &row.accessory),
        ("insurance", &row.insurance),
        ("registration", &row.registration),
        ("warranty", &row.warranty),
    ] {
        if !price.trim().is_empty() {
            extras.push(ExtraInput {
                kind: column.to_owned(),
                description: String::new(),
                price: price.clone(),
            });
            extra_columns.push(column);
        }
    }

    let id_text = |id: Option<i64>| id.map(|v| v.to_string()).unwrap_or_default();
    let input = OrderInput {
        // A new customer has no id yet: the check needs only one of the right shape.
        customer_id: match &buyer {
            Some(Buyer::OnFile(id)) => id.to_string(),
            Some(Buyer::New(_)) => "1".into(),
            None => String::new(),
        },
        store_id: id_text(store_id),
        model_id: id_text(model_id),
        trim_id: id_text(trim_id),
        color_id: id_text(color_id),
        // A VIN that did not read is no id (refused, and its column named already), but
        // still a car chosen by VIN: the trim and colour are not asked for.
        vehicle_id: match (stock, vin.is_empty()) {
            (Some(v), _) => v.id.to_string(),
            (None, false) => "0".into(),
            (None, true) => String::new(),
        },
        list_price,
        discount: row.discount.clone(),
        discount_percent: row.discount_percent.clone(),
        extras,
        deposit: row.deposit.clone(),
        deposit_method: row.deposit_method.clone(),
        payment_type: row.payment_type.clone(),
        expected_delivery: row.expected_delivery.clone(),
        notes: row.notes.clone(),
    };
    let guide_missing = input.list_price.is_empty();
    let submit = parse_yes_no(&row.submit);
    let checked = input.check_as(lang, "");
    if submit.is_none() {
        bad("submit", ctx.t("order.import_bad_submit").into());
    }
    // A blank list price is the car's: when the car did not read, that is the problem.
    if guide_missing
        && ["vin", "model", "trim", "color"]
            .iter()
            .any(|c| failed.contains(c))
    {
        failed.insert("list_price");
    }
    // A new customer without a store is the store's problem, named already.
    if waits_on_store {
        failed.insert("customer_mobile");
    }
    // A trim or colour given but not looked up (its model did not read) is not missing:
    // the model's problem is named already.
    for (column, given, found) in [
        ("trim", &row.trim, trim_id),
        ("color", &row.color, color_id),
    ] {
        if !given.trim().is_empty() && found.is_none() {
            failed.insert(column);
        }
    }
    let order = match checked {
        Ok(c) => Some(c),
        Err(list) => {
            for f in list {
                let column = column_of(&f.field, &extra_columns);
                if !failed.iter().any(|c| *c == column) {
                    errors.push(FieldError {
                        field: format!("rows.{line}.{column}"),
                        message: f.message,
                    });
                }
            }
            None
        }
    };
    let (
        Some(buyer),
        Some(store_id),
        Some(model_id),
        Some(trim_id),
        Some(color_id),
        Some(order),
        Some(submit),
    ) = (
        buyer, store_id, spec_model, trim_id, color_id, order, submit,
    )
    else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    // As on the tablet: a draft holds a vehicle only against a deposit.
    if stock.is_some() && !submit && order.totals.paid == 0 {
        return Err(vec![FieldError {
            field: format!("rows.{line}.deposit"),
            message: ctx.t("order.hold_needs_deposit").into(),
        }]);
    }
    let salesperson = if p.role == Role::Sales {
        p.user_id
    } else {
        owner.or(p.user_id)
    };
    // Where a submitted order stands, as `submit_in` decides it: the levels the store's
    // rules ask of its values; approved at once when they ask none.
    let (status, levels, why) = if submit {
        let rules = look.rules.get(&store_id).map_or(&[][..], Vec::as_slice);
        let facts = Facts::of(&order.totals, model_id, order.payment_type);
        let levels = approval::required_levels(rules, &facts);
        let status = if levels.is_empty() {
            OrderStatus::Approved
        } else {
            OrderStatus::PendingApproval
        };
        (status, levels, approval::explain(rules, &facts, lang))
    } else {
        (OrderStatus::Draft, Vec::new(), Vec::new())
    };
    Ok(Planned {
        line,
        buyer,
        store_id,
        salesperson,
        model_id,
        trim_id,
        color_id,
        car: stock.map(Stock::car),
        order,
        status,
        levels,
        why,
    })
}

/// The customers on file among `mobiles`, by mobile, a chunk at a time.
async fn customers_by_mobile(
    ctx: &Ctx,
    mobiles: &[String],
) -> Result<HashMap<String, OnFile>, AppError> {
    let mut found = HashMap::new();
    for chunk in mobiles.chunks(LOOKUP_CHUNK) {
        let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let mut q = sql(format!(
            "SELECT id, mobile, store_id, owner_id FROM customers
             WHERE merged_into IS NULL AND mobile IN ({})",
            marks.join(", ")
        ));
        for m in chunk {
            q = q.bind(m.as_str());
        }
        let rows: Vec<(i64, String, i64, Option<i64>)> = q.fetch_all(ctx.db()).await?;
        for (id, mobile, store_id, owner_id) in rows {
            found.insert(
                mobile,
                OnFile {
                    id,
                    store_id,
                    owner_id,
                },
            );
        }
    }
    Ok(found)
}

/// The vehicles among `vins`, by VIN, with whether an order holds them or a transfer
/// moves them, a chunk at a time.
async fn vehicles_by_vin(ctx: &Ctx, vins: &[String]) -> Result<HashMap<String, Stock>, AppError> {
    let mut found = HashMap::new();
    for chunk in vins.chunks(LOOKUP_CHUNK) {
        let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let mut q = sql(format!(
            "SELECT v.id, v.vin, v.model_id, v.trim_id, v.color_id, v.warehouse_id, w.store_id,
                    v.status, v.list_price_fen,
                    EXISTS (SELECT 1 FROM orders o WHERE o.vehicle_id = v.id) AS held,
                    EXISTS (SELECT 1 FROM transfer_items ti WHERE ti.vehicle_id = v.id AND ti.is_open)
                        AS in_transfer
             FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id
             WHERE v.vin IN ({})",
            marks.join(", ")
        ));
        for v in chunk {
            q = q.bind(v.as_str());
        }
        let rows: Vec<Stock> = q.fetch_all(ctx.db()).await?;
        found.extend(rows.into_iter().map(|s| (s.vin.clone(), s)));
    }
    Ok(found)
}

/// The refusal of a file with problems: all of them (up to [`MAX_PROBLEMS`]), by row,
/// then in the template's column order, under one message counting them.
fn refusal(ctx: &Ctx, mut problems: Vec<FieldError>) -> AppError {
    let order = |f: &FieldError| {
        crate::orders::domain::import::row_and_column(&f.field)
            .map(|(row, column)| (row, column_index(column).unwrap_or(usize::MAX)))
            .unwrap_or((0, 0))
    };
    problems.sort_by_key(order);
    let n = problems.len();
    let message = if n > MAX_PROBLEMS {
        problems.truncate(MAX_PROBLEMS);
        ctx.tf(
            "order.import_refused_first",
            &[("n", &n.to_string()), ("shown", &MAX_PROBLEMS.to_string())],
        )
    } else {
        ctx.tf("order.import_refused", &[("n", &n.to_string())])
    };
    let mut e = AppError::invalid_fields(problems);
    if let AppError::Invalid { message: m, .. } = &mut e {
        *m = message;
    }
    e
}

/// Takes in orders from a filled-in template's rows (see the module's doc): every row
/// checked as the tablet checks an order, every problem named by row and column, all
/// rows or none. A dry run reports what would happen and writes nothing.
#[tracing::instrument(name = "orders.import", skip_all, fields(rows = rows.len(), dry_run))]
pub async fn import(
    ctx: &Ctx,
    rows: Vec<ImportRow>,
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    let p = ctx.require(Action::EditOrders)?;
    if rows.is_empty() {
        return Err(AppError::invalid("file", ctx.t("order.import_no_rows")));
    }
    if rows.len() > MAX_ROWS {
        return Err(AppError::invalid(
            "file",
            ctx.tf("order.import_too_big", &[("max", &MAX_ROWS.to_string())]),
        ));
    }
    // Everything the rows are checked against, read once.
    let cat = crate::inventory::service::catalog::load(ctx.db(), p.store_scope()).await?;
    let stores: Vec<(i64, String)> = sql("SELECT id, code FROM stores WHERE active")
        .fetch_all(ctx.db())
        .await?;
    let mut mobiles: Vec<String> = rows
        .iter()
        .filter_map(|r| parse_mobile(&r.customer_mobile))
        .map(|m| m.as_str().to_owned())
        .collect();
    mobiles.sort_unstable();
    mobiles.dedup();
    let mut vins: Vec<String> = rows
        .iter()
        .map(|r| r.vin.trim().to_uppercase())
        .filter(|v| !v.is_empty() && v.len() <= 40)
        .collect();
    vins.sort_unstable();
    vins.dedup();
    let mut look = Lookups {
        names: Names::new(&cat),
        stores: stores
            .iter()
            .map(|(id, code)| (code.to_uppercase(), *id))
            .collect(),
        store_codes: stores.into_iter().collect(),
        customers: customers_by_mobile(ctx, &mobiles).await?,
        stock: vehicles_by_vin(ctx, &vins).await?,
        rules: HashMap::new(),
    };
    // Each store's approval rules, for the stores the caller may use.
    let ids: Vec<i64> = look.store_codes.keys().copied().collect();
    for store in ids.into_iter().filter(|s| p.can_access_store(*s)) {
        look.rules
            .insert(store, rules::load(ctx.db(), store).await?);
    }
    // The graph's moves a submission makes, checked once (they hold for every row).
    Transition::check(OrderStatus::Draft, OrderStatus::PendingApproval, ctx.lang())?;
    Transition::check(
        OrderStatus::PendingApproval,
        OrderStatus::Approved,
        ctx.lang(),
    )?;

    let mut problems = Vec::new();
    let mut plans = Vec::with_capacity(rows.len());
    let mut seen_vins = HashMap::new();
    let mut new_customers = HashMap::new();
    for row in &rows {
        match plan_row(ctx, p, &look, row, &mut seen_vins, &mut new_customers) {
            Ok(plan) => plans.push(plan),
            Err(list) => problems.extend(list),
        }
    }
    if !problems.is_empty() {
        return Err(refusal(ctx, problems));
    }
    let count = |s: OrderStatus| plans.iter().filter(|o| o.status == s).count();
    let report = ImportReport {
        rows: plans.len(),
        dry_run,
        drafts: count(OrderStatus::Draft),
        pending_approval: count(OrderStatus::PendingApproval),
        approved: count(OrderStatus::Approved),
        new_customers: new_customers.len(),
        vehicles_held: plans.iter().filter(|o| o.car.is_some()).count(),
    };
    if dry_run {
        return Ok(report);
    }
    let mut profiles: Vec<(usize, NewProfile)> = new_customers.into_values().collect();
    profiles.sort_by_key(|(line, _)| *line);
    let profiles: Vec<NewProfile> = profiles.into_iter().map(|(_, p)| p).collect();
    write(ctx, p, &look, plans, profiles, &report).await?;
    Ok(report)
}

/// One order's values, in the order [`ORDER_COLUMNS`] names them.
const ORDER_COLUMNS: &str = "number, store_id, customer_id, salesperson_id, created_by, status,
    model_id, trim_id, color_id, vehicle_id, hold_until, list_price, discount, discount_bp,
    discount_kind, extras_total, total, paid, payment_type, expected_delivery, notes,
    approval_round, approval_levels, created_at, updated_at, updated_by, version";
const ORDER_VALUES: usize = 27;

/// Writes the checked orders in one transaction (see the module's doc).
async fn write(
    ctx: &Ctx,
    p: &Principal,
    look: &Lookups,
    plans: Vec<Planned>,
    profiles: Vec<NewProfile>,
    report: &ImportReport,
) -> Result<(), AppError> {
    let now = ctx.now_ms();
    let today = ctx.today();
    let day = clock::day_of(now);
    let mut tx = ctx.db().begin().await?;
    let mut audit: Vec<AuditEntry<'static>> = Vec::new();

    // The new customers (and their first leads).
    let new_ids = insert_many(ctx, &mut tx, &profiles, now).await?;
    if !profiles.is_empty() {
        let stores: Vec<i64> = profiles.iter().map(|p| p.store_id).collect();
        audit.push(
            AuditEntry::new("customer.import", "customer", 0)
                .store(single(&stores))
                .after(&json!({ "rows": profiles.len(), "with": "order.import" })),
        );
    }

    // The holds: in stock → reserved, by a guarded update; then none may be in a transfer.
    let cars: Vec<&Car> = plans.iter().filter_map(|o| o.car.as_ref()).collect();
    claim(ctx, &mut tx, &cars, now).await?;

    // The numbers: each store's count for the day reserved by one upsert.
    let mut per_store: BTreeMap<i64, usize> = BTreeMap::new();
    for o in &plans {
        *per_store.entry(o.store_id).or_default() += 1;
    }
    let mut next: HashMap<i64, (String, u32)> = HashMap::new();
    for (store, n) in &per_store {
        let code = look
            .store_codes
            .get(store)
            .cloned()
            .ok_or_else(|| AppError::internal("an order's store is missing"))?;
        let last: i64 = sql(
            "INSERT INTO order_sequences (store_id, day, last) VALUES ($1, $2, $3)
             ON CONFLICT (store_id, day) DO UPDATE SET last = order_sequences.last + $3
             RETURNING last",
        )
        .bind(*store)
        .bind(day.format("%Y-%m-%d").to_string())
        .bind(*n as i64)
        .scalar(&mut tx)
        .await?;
        let first = u32::try_from(last - *n as i64 + 1).map_err(AppError::internal)?;
        next.insert(*store, (code, first));
    }
    let mut numbers: Vec<String> = Vec::with_capacity(plans.len());
    for o in &plans {
        let (code, seq) = next
            .get_mut(&o.store_id)
            .ok_or_else(|| AppError::internal("an order's store was not numbered"))?;
        numbers.push(number::format(code, day, *seq));
        *seq += 1;
    }

    // The orders, as `create` and `submit_in` would leave them.
    let taken = || AppError::Conflict(ctx.t("order.import_vehicle_taken_meanwhile").into());
    let mut ids: HashMap<String, i64> = HashMap::with_capacity(plans.len());
    for (chunk, chunk_numbers) in plans
        .chunks(rows_per_statement(ORDER_VALUES))
        .zip(numbers.chunks(rows_per_statement(ORDER_VALUES)))
    {
        let mut q = sql(format!(
            "INSERT INTO orders ({ORDER_COLUMNS}) VALUES {} RETURNING id, number",
            value_rows(tx.dialect(), chunk.len(), ORDER_VALUES)
        ));
        for (o, number) in chunk.iter().zip(chunk_numbers) {
            let customer = match &o.buyer {
                Buyer::OnFile(id) => *id,
                Buyer::New(mobile) => *new_ids
                    .get(mobile)
                    .ok_or_else(|| AppError::internal("a new customer is missing"))?,
            };
            let t = &o.order.totals;
            let submitted = o.status != OrderStatus::Draft;
            let hold_until = (o.car.is_some() && !submitted).then_some(now + HOLD_MS);
            let values: [Val; ORDER_VALUES] = [
                number.as_str().into(),
                o.store_id.into(),
                customer.into(),
                o.salesperson.into(),
                p.user_id.into(),
                o.status.code().into(),
                o.model_id.into(),
                o.trim_id.into(),
                o.color_id.into(),
                o.car.as_ref().map(|c| c.id).into(),
                hold_until.into(),
                t.list_price.into(),
                t.discount.into(),
                t.discount_bp.into(),
                discount_kind(o.order.discount).into(),
                t.extras.into(),
                t.total.into(),
                t.paid.into(),
                o.order.payment_type.code().into(),
                o.order
                    .expected_delivery
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .into(),
                o.order.notes.as_str().into(),
                i64::from(submitted).into(),
                encode_levels(&o.levels).into(),
                now.into(),
                now.into(),
                p.display_name.as_str().into(),
                // `submit_in` moves a new draft on once: one version more.
                (1 + i64::from(submitted)).into(),
            ];
            for v in values {
                q = q.bind(v);
            }
        }
        let rows: Vec<(i64, String)> = q.fetch_all(&mut tx).await.map_err(|e| e.or_taken(taken))?;
        ids.extend(rows.into_iter().map(|(id, number)| (number, id)));
    }
    let order_ids: Vec<i64> = numbers
        .iter()
        .map(|n| {
            ids.get(n)
                .copied()
                .ok_or_else(|| AppError::internal("a new order is missing"))
        })
        .collect::<Result<_, _>>()?;

    // Their extra lines and deposits.
    let extras: Vec<(i64, usize, &crate::orders::domain::input::Extra)> = plans
        .iter()
        .zip(&order_ids)
        .flat_map(|(o, id)| o.order.extras.iter().enumerate().map(|(n, x)| (*id, n, x)))
        .collect();
    for chunk in extras.chunks(rows_per_statement(5)) {
        let mut q = sql(format!(
            "INSERT INTO order_extras (order_id, position, kind, description, price) VALUES {}",
            value_rows(tx.dialect(), chunk.len(), 5)
        ));
        for (id, n, x) in chunk {
            q = q
                .bind(*id)
                .bind(*n as i64)
                .bind(x.kind.code())
                .bind(x.description.as_str())
                .bind(x.price.fen());
        }
        q.execute(&mut tx).await?;
    }
    let deposits: Vec<(i64, crate::orders::domain::input::Deposit)> = plans
        .iter()
        .zip(&order_ids)
        .filter_map(|(o, id)| o.order.deposit.map(|d| (*id, d)))
        .collect();
    let note = ctx.t("order.deposit_note");
    for chunk in deposits.chunks(rows_per_statement(6)) {
        let mut q = sql(format!(
            "INSERT INTO order_payments (order_id, amount, method, paid_at, note, created_by)
             VALUES {}",
            value_rows(tx.dialect(), chunk.len(), 6)
        ));
        for (id, d) in chunk {
            q = q
                .bind(*id)
                .bind(d.amount.fen())
                .bind(d.method.code())
                .bind(now)
                .bind(note)
                .bind(p.display_name.as_str());
        }
        q.execute(&mut tx).await?;
    }

    // The audit: each order entered (and submitted), each vehicle held, and the import.
    let lang = ctx.lang();
    for ((o, id), number) in plans.iter().zip(&order_ids).zip(&numbers) {
        let t = &o.order.totals;
        let customer = match &o.buyer {
            Buyer::OnFile(c) => Some(*c),
            Buyer::New(m) => new_ids.get(m).copied(),
        };
        audit.push(
            AuditEntry::new("order.create", "order", id)
                .store(Some(o.store_id))
                .after(&json!({
                    "number": number,
                    "status": "draft",
                    "customer": customer,
                    "salesperson": o.salesperson,
                    "trim": o.trim_id,
                    "color": o.color_id,
                    "vehicle": o.car.as_ref().map(|v| &v.vin),
                    "list_price": t.list_price,
                    "discount": t.discount,
                    "discount_bp": t.discount_bp,
                    "total": t.total,
                    "paid": t.paid,
                    "import_row": o.line,
                })),
        );
        if o.status != OrderStatus::Draft {
            audit.push(
                AuditEntry::new("order.status", "order", id)
                    .store(Some(o.store_id))
                    .before(&json!({ "status": "draft" }))
                    .after(&json!({
                        "status": o.status.code(),
                        "round": 1,
                        "levels": encode_levels(&o.levels),
                        "why": o.why,
                    })),
            );
        }
        if let Some(car) = &o.car {
            audit.push(
                AuditEntry::new("vehicle.status", "vehicle", car.id)
                    .store(Some(car.store_id))
                    .before(&json!({ "status": "in_stock" }))
                    .after(&json!({ "status": "reserved", "order": number })),
            );
        }
    }
    let stores: Vec<i64> = per_store.keys().copied().collect();
    audit.push(
        AuditEntry::new("order.import", "order", 0)
            .store(single(&stores))
            .after(&json!({
                "rows": report.rows,
                "drafts": report.drafts,
                "pending_approval": report.pending_approval,
                "approved": report.approved,
                "new_customers": report.new_customers,
                "vehicles_held": report.vehicles_held,
                "first": numbers.first(),
                "last": numbers.last(),
                "lang": lang.code(),
            })),
    );
    ctx.audit_many(&mut tx, audit).await?;

    // The stock follows its vehicles: thresholds of their warehouses, aged-stock alerts.
    let mut stock = StockChange::default();
    if !cars.is_empty() {
        let pairs: Vec<(i64, i64)> = cars.iter().map(|c| (c.warehouse_id, c.model_id)).collect();
        reconcile_thresholds(&mut tx, &pairs).await?;
        sweep_aged(&mut tx, today, None).await?;
        for c in &cars {
            stock.add(c.store_id, c.warehouse_id);
        }
    }

    // One announcement per store, and the stock's.
    let mut events = Vec::new();
    for store in &stores {
        let mine: Vec<&Planned> = plans.iter().filter(|o| o.store_id == *store).collect();
        let mut people: Vec<Option<i64>> = mine.iter().map(|o| o.salesperson).collect();
        people.push(p.user_id);
        people.sort_unstable();
        people.dedup();
        let pending = mine
            .iter()
            .any(|o| o.status == OrderStatus::PendingApproval);
        events.push(import_event(&mut tx, *store, mine.len(), pending, &people).await?);
    }
    if !cars.is_empty() {
        events.push(stock.event());
    }
    ctx.events().stage_all(&mut tx, &events).await?;
    tx.commit().await?;
    for e in events {
        ctx.events().committed(e);
    }
    Ok(())
}

/// The one store of a batch, if it has one store only.
fn single(stores: &[i64]) -> Option<i64> {
    match stores.split_first() {
        Some((first, rest)) if rest.iter().all(|s| s == first) => Some(*first),
        _ => None,
    }
}

/// Holds `cars` for their orders: in stock → reserved, by a guarded update (a vehicle
/// taken since the check is a conflict naming it), then none may be in an open transfer
/// (asked after the claim, as [`super::orders::hold`] does).
async fn claim(ctx: &Ctx, tx: &mut Tx, cars: &[&Car], now: i64) -> Result<(), AppError> {
    for chunk in cars.chunks(rows_per_statement(1).min(LOOKUP_CHUNK * 2)) {
        let marks: Vec<String> = (2..chunk.len() + 2).map(|n| format!("${n}")).collect();
        let mut q = sql(format!(
            "UPDATE vehicles SET status = 'reserved', version = version + 1, updated_at = $1
             WHERE status = 'in_stock' AND id IN ({}) RETURNING id",
            marks.join(", ")
        ))
        .bind(now);
        for c in chunk {
            q = q.bind(c.id);
        }
        let claimed: HashSet<i64> = q
            .fetch_all::<(i64,)>(&mut *tx)
            .await?
            .into_iter()
            .map(|(id,)| id)
            .collect();
        if let Some(lost) = chunk.iter().find(|c| !claimed.contains(&c.id)) {
            return Err(AppError::Conflict(
                ctx.tf("order.vehicle_taken", &[("vin", &lost.vin)]),
            ));
        }
        let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let mut q = sql(format!(
            "SELECT ti.vehicle_id FROM transfer_items ti WHERE ti.is_open AND ti.vehicle_id IN ({})",
            marks.join(", ")
        ));
        for c in chunk {
            q = q.bind(c.id);
        }
        let moving: Vec<(i64,)> = q.fetch_all(&mut *tx).await?;
        if let Some((id,)) = moving.first() {
            let vin = chunk
                .iter()
                .find(|c| c.id == *id)
                .map(|c| c.vin.as_str())
                .unwrap_or_default();
            return Err(AppError::Conflict(
                ctx.tf("order.vehicle_in_transfer", &[("vin", vin)]),
            ));
        }
    }
    Ok(())
}

/// Reads an uploaded file off the async threads (parsing is CPU work), then imports it.
#[tracing::instrument(name = "orders.import_file", skip_all, fields(bytes = bytes.len(), dry_run))]
pub async fn import_file(
    ctx: &Ctx,
    bytes: Vec<u8>,
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    ctx.require(Action::EditOrders)?;
    if bytes.is_empty() {
        return Err(AppError::invalid("file", ctx.t("import.no_file")));
    }
    let lang: Lang = ctx.lang();
    let rows = tokio::task::spawn_blocking(move || crate::orders::excel::read(&bytes, lang))
        .await
        .map_err(AppError::internal)??;
    import(ctx, rows, dry_run).await
}

/// The import template as the caller fills it in: the stores they may use and the whole
/// catalogue on the sheets of valid values.
#[tracing::instrument(name = "orders.import_template", skip_all)]
pub async fn template(ctx: &Ctx) -> Result<Vec<u8>, AppError> {
    let p = ctx.require(Action::EditOrders)?;
    let cat = crate::inventory::service::catalog::load(ctx.db(), p.store_scope()).await?;
    let stores: Vec<(i64, String, String)> =
        sql("SELECT id, code, name FROM stores WHERE active ORDER BY code")
            .fetch_all(ctx.db())
            .await?;
    let stores: Vec<(String, String)> = stores
        .into_iter()
        .filter(|(id, _, _)| p.can_access_store(*id))
        .map(|(_, code, name)| (code, name))
        .collect();
    tokio::task::spawn_blocking(move || crate::orders::excel::template(&cat, &stores))
        .await
        .map_err(AppError::internal)?
}
