//! Customer profiles: create (one mobile, one customer, across the group), look up,
//! search, change.

use super::{check_access, may_open, scope};
use crate::{
    audit::AuditEntry,
    auth::Action,
    crm::domain::customer::{
        initials_end, parse_mobile, CustomerFilter, CustomerInput, CustomerItem, CustomerRow,
        DuplicateHit, NewCustomer, Search,
    },
    ctx::Ctx,
    db::{rows_per_statement, sql, value_rows, Tx, Val, Where},
    error::{AppError, OrTaken},
};
use serde::{Deserialize, Serialize};

/// A page of the customer list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CustomerPage {
    pub rows: Vec<CustomerItem>,
    pub total: i64,
}

/// The pinyin initials of a name (张三 → `zs`), letters and digits kept as they are
/// (lower-cased), for search by initials.
pub fn initials(name: &str) -> String {
    use pinyin::ToPinyin;
    name.chars()
        .filter_map(|c| match c.to_pinyin() {
            Some(p) => p.first_letter().chars().next(),
            None if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            None => None,
        })
        .take(50)
        .collect()
}

/// Fills in the pinyin initials of profiles stored before they were kept (a few rows
/// once after an upgrade; none afterwards).
pub async fn fill_initials(db: &crate::db::Db) -> crate::db::DbResult<u64> {
    let rows: Vec<(i64, String)> =
        sql("SELECT id, name FROM customers WHERE initials = '' AND name <> '' LIMIT 100000")
            .fetch_all(db)
            .await?;
    let mut filled = 0;
    for (id, name) in rows {
        filled += sql("UPDATE customers SET initials = $1 WHERE id = $2")
            .bind(initials(&name))
            .bind(id)
            .execute(db)
            .await?;
    }
    Ok(filled)
}

const ROW: &str =
    "SELECT c.id, c.kind, c.name, c.mobile, c.phone2, c.wechat, c.id_number, c.address, c.source,
        c.store_id, s.name AS store_name, c.owner_id, u.display_name AS owner_name, c.budget,
        c.preferred_models, c.preferred_colors, c.fuel, c.timeframe, c.tags, c.notes, c.consent,
        c.consent_at, c.created_at, c.updated_at, c.version
     FROM customers c JOIN stores s ON s.id = c.store_id LEFT JOIN users u ON u.id = c.owner_id";

/// Who holds `mobile` already, as the caller may learn it: the whole profile's name only
/// if they may open it, else only that it exists and whose it is.
#[tracing::instrument(name = "crm.check_mobile", skip_all)]
pub async fn check_mobile(ctx: &Ctx, mobile: &str) -> Result<Option<DuplicateHit>, AppError> {
    let p = ctx.require(Action::ViewCustomers)?;
    let Some(mobile) = parse_mobile(mobile) else {
        return Ok(None);
    };
    /// id, name, store, store name, owner, owner name.
    type Holder = (i64, String, i64, String, Option<i64>, Option<String>);
    let hit: Option<Holder> = sql(
        "SELECT c.id, c.name, c.store_id, s.name, c.owner_id, u.display_name
         FROM customers c JOIN stores s ON s.id = c.store_id LEFT JOIN users u ON u.id = c.owner_id
         WHERE c.mobile = $1 AND c.merged_into IS NULL",
    )
    .bind(mobile.as_str())
    .fetch_optional(ctx.db())
    .await?;
    Ok(
        hit.map(|(id, name, store_id, store_name, owner_id, owner_name)| {
            let may = may_open(p, store_id, owner_id);
            DuplicateHit {
                id,
                name: may.then_some(name),
                owner_name,
                store_name,
                may_open: may,
            }
        }),
    )
}

/// The duplicate error for a mobile someone holds already.
fn duplicate(ctx: &Ctx, hit: &DuplicateHit) -> AppError {
    let message = hit.message(ctx.lang());
    AppError::Duplicate {
        message,
        field: "mobile".into(),
        existing_id: hit.id,
    }
}

/// Creates a profile and its first lead (新线索). A salesperson becomes its owner; a
/// group role names the store. A mobile held by another profile is refused (409) with
/// that profile named as far as the caller may see it.
#[tracing::instrument(name = "crm.create_customer", skip_all)]
pub async fn create(
    ctx: &Ctx,
    input: &CustomerInput,
    store_id: Option<i64>,
) -> Result<i64, AppError> {
    let p = ctx.require(Action::EditCustomers)?;
    let c = input.check(ctx.lang())?;
    let store_id = target_store(ctx, p, store_id).await?;
    if let Some(hit) = check_mobile(ctx, c.mobile.as_str()).await? {
        return Err(duplicate(ctx, &hit));
    }
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    let id = insert(ctx, &mut tx, &c, store_id, new_owner(p), now).await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("customer.create", "customer", id)
            .store(Some(store_id))
            .after(&serde_json::json!({ "name": c.name, "source": c.source.code() })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The store a new customer joins: the caller's own, or the one a group role names
/// (which must exist).
async fn target_store(
    ctx: &Ctx,
    p: &crate::auth::Principal,
    store_id: Option<i64>,
) -> Result<i64, AppError> {
    let missing = || AppError::invalid("store_id", ctx.t("customer.store_required"));
    let store_id = match (p.store_scope(), store_id) {
        (Some(own), _) => return Ok(own),
        (None, Some(s)) => s,
        (None, None) => return Err(missing()),
    };
    sql("SELECT id FROM stores WHERE id = $1")
        .bind(store_id)
        .scalar_optional::<i64>(ctx.db())
        .await?
        .ok_or_else(missing)
}

/// Who owns a customer the caller adds: a salesperson owns theirs; anyone else leaves
/// it to the store, unassigned.
pub(crate) fn new_owner(p: &crate::auth::Principal) -> Option<i64> {
    if p.role == crate::domain::Role::Sales {
        p.user_id
    } else {
        None
    }
}

/// Writes a checked profile and its first lead (新线索); a mobile taken meanwhile (by a
/// concurrent save) is a conflict.
async fn insert(
    ctx: &Ctx,
    tx: &mut Tx,
    c: &NewCustomer,
    store_id: i64,
    owner: Option<i64>,
    now: i64,
) -> Result<i64, AppError> {
    let id = insert_row(tx, c, store_id, owner, now).await.map_err(|e| {
        e.or_taken(|| AppError::Conflict(ctx.t("customer.mobile_taken_meanwhile").into()))
    })?;
    sql(
        "INSERT INTO leads (customer_id, store_id, owner_id, stage, source, created_at, updated_at)
         VALUES ($1, $2, $3, 'new', $4, $5, $5)",
    )
    .bind(id)
    .bind(store_id)
    .bind(owner)
    .bind(c.source.code())
    .bind(now)
    .execute(tx)
    .await?;
    Ok(id)
}

/// The columns a new profile is written with ([`profile_values`] gives its values).
const PROFILE_COLUMNS: &str = "kind, name, initials, mobile, mobile_last4, phone2, wechat, id_number, address,
     source, store_id, owner_id, budget, preferred_models, preferred_colors, fuel, timeframe, tags, notes,
     consent, consent_at, created_at, updated_at";
const PROFILE_VALUES: usize = 23;

/// A checked profile's values, in [`PROFILE_COLUMNS`]' order.
fn profile_values(
    c: &NewCustomer,
    store_id: i64,
    owner: Option<i64>,
    now: i64,
) -> [Val; PROFILE_VALUES] {
    let mobile = c.mobile.as_str();
    [
        c.kind.code().into(),
        c.name.as_str().into(),
        initials(&c.name).into(),
        mobile.into(),
        mobile[mobile.len() - 4..].into(),
        c.phone2.as_str().into(),
        c.wechat.as_str().into(),
        c.id_number.as_str().into(),
        c.address.as_str().into(),
        c.source.code().into(),
        store_id.into(),
        owner.into(),
        c.budget.as_str().into(),
        c.preferred_models.as_str().into(),
        c.preferred_colors.as_str().into(),
        c.fuel.map(|f| f.code()).unwrap_or("").into(),
        c.timeframe.map(|t| t.code()).unwrap_or("").into(),
        c.tags.join(",").into(),
        c.notes.as_str().into(),
        c.consent.into(),
        c.consent.then_some(now).into(),
        now.into(),
        now.into(),
    ]
}

async fn insert_row(
    tx: &mut Tx,
    c: &NewCustomer,
    store_id: i64,
    owner: Option<i64>,
    now: i64,
) -> crate::db::DbResult<i64> {
    let mut q = sql(format!(
        "INSERT INTO customers ({PROFILE_COLUMNS}) VALUES {} RETURNING id",
        value_rows(tx.dialect(), 1, PROFILE_VALUES)
    ));
    for v in profile_values(c, store_id, owner, now) {
        q = q.bind(v);
    }
    q.scalar(tx).await
}

/// A checked profile to write in a batch, with the store it joins and its owner.
pub(crate) struct NewProfile {
    pub customer: NewCustomer,
    pub store_id: i64,
    pub owner: Option<i64>,
}

/// Writes checked profiles, each with its first lead (新线索), hundreds per statement (an
/// order import's new customers), in the caller's transaction. Their ids by mobile; a
/// mobile taken meanwhile (by a concurrent save) is a conflict. The caller audits.
pub(crate) async fn insert_many(
    ctx: &Ctx,
    tx: &mut Tx,
    profiles: &[NewProfile],
    now: i64,
) -> Result<std::collections::HashMap<String, i64>, AppError> {
    let mut ids = std::collections::HashMap::with_capacity(profiles.len());
    for chunk in profiles.chunks(rows_per_statement(PROFILE_VALUES)) {
        let mut q = sql(format!(
            "INSERT INTO customers ({PROFILE_COLUMNS}) VALUES {} RETURNING id, mobile",
            value_rows(tx.dialect(), chunk.len(), PROFILE_VALUES)
        ));
        for p in chunk {
            for v in profile_values(&p.customer, p.store_id, p.owner, now) {
                q = q.bind(v);
            }
        }
        let rows: Vec<(i64, String)> = q.fetch_all(&mut *tx).await.map_err(|e| {
            e.or_taken(|| AppError::Conflict(ctx.t("customer.mobile_taken_meanwhile").into()))
        })?;
        ids.extend(rows.into_iter().map(|(id, mobile)| (mobile, id)));
    }
    for chunk in profiles.chunks(rows_per_statement(7)) {
        let mut q = sql(format!(
            "INSERT INTO leads (customer_id, store_id, owner_id, stage, source, created_at, updated_at)
             VALUES {}",
            value_rows(tx.dialect(), chunk.len(), 7)
        ));
        for p in chunk {
            let id = ids
                .get(p.customer.mobile.as_str())
                .copied()
                .ok_or_else(|| AppError::internal("a new customer is missing"))?;
            q = q
                .bind(id)
                .bind(p.store_id)
                .bind(p.owner)
                .bind("new")
                .bind(p.customer.source.code())
                .bind(now)
                .bind(now);
        }
        q.execute(&mut *tx).await?;
    }
    Ok(ids)
}

/// One profile, if the caller may open it (403 otherwise, for a record that exists;
/// 404 for one that does not).
#[tracing::instrument(name = "crm.customer", skip_all, fields(customer = id))]
pub async fn get(ctx: &Ctx, id: i64) -> Result<CustomerRow, AppError> {
    let p = ctx.require(Action::ViewCustomers)?;
    let row: CustomerRow = sql(format!("{ROW} WHERE c.id = $1 AND c.merged_into IS NULL"))
        .bind(id)
        .fetch_optional(ctx.db())
        .await?
        .ok_or_else(|| AppError::NotFound(ctx.t("customer.not_found").into()))?;
    check_access(ctx, p, row.store_id, row.owner_id)?;
    Ok(row)
}

/// The customers the caller may see, newest change first, searched and filtered.
#[tracing::instrument(name = "crm.customers", skip_all)]
pub async fn list(ctx: &Ctx, f: &CustomerFilter) -> Result<CustomerPage, AppError> {
    let p = ctx.require(Action::ViewCustomers)?;
    if let Some((field, key)) = f.problem() {
        return Err(AppError::invalid(field, ctx.t(key)));
    }
    let mut w = Where::new();
    w.and_sql("c.merged_into IS NULL");
    scope(&mut w, p, "c");
    match f.q.as_deref().and_then(Search::read) {
        Some(Search::Mobile(m)) => {
            w.and("c.mobile = ?", m.as_str());
        }
        Some(Search::Last4(d)) => {
            w.and("c.mobile_last4 = ?", d);
        }
        Some(Search::Initials(i)) => {
            // A range rather than LIKE, so the index on initials serves it. Initials hold
            // only [a-z0-9] (a Latin name keeps its letters), so the range ends where the
            // last letter is one higher.
            let upper = initials_end(&i);
            w.and("c.initials >= ?", i).and("c.initials < ?", upper);
        }
        Some(Search::Name(n)) => {
            // The start of a name (a surname, or surname and given name), as a range the
            // name index serves; U+10FFFF sorts after every character a name may hold.
            w.and("c.name >= ?", n.clone())
                .and("c.name < ?", format!("{n}\u{10FFFF}"));
        }
        None => {}
    }
    if f.consent_only == Some(true) {
        // Compared, not tested for truth, so an index on it serves the filter.
        w.and_sql("c.consent = TRUE");
    }
    if let Some(owner) = f.owner_id {
        w.and("c.owner_id = ?", owner);
    }
    let total: i64 = w
        .build("SELECT COUNT(*) FROM customers c", "")
        .scalar(ctx.db())
        .await?;
    // The page's ids first, from the customers table alone (so the planner can walk an
    // index in order), then what the rows show for those few.
    let page = w.build(
        "SELECT c.id FROM customers c",
        &format!(
            "ORDER BY c.updated_at DESC, c.id DESC LIMIT {} OFFSET {}",
            f.page_size(),
            f.offset.unwrap_or(0).max(0)
        ),
    );
    let inner = page.text().to_owned();
    let rows: Vec<CustomerItem> = page
        .retext(format!(
            "SELECT c.id, c.name, c.mobile, s.name AS store_name, u.display_name AS owner_name,
                    (SELECT l.stage FROM leads l WHERE l.customer_id = c.id ORDER BY l.id DESC LIMIT 1) AS stage,
                    (SELECT MIN(fu.due_at) FROM follow_ups fu WHERE fu.customer_id = c.id AND fu.done_at IS NULL) AS next_due_at,
                    c.consent
             FROM ({inner}) page JOIN customers c ON c.id = page.id JOIN stores s ON s.id = c.store_id
             LEFT JOIN users u ON u.id = c.owner_id
             ORDER BY c.updated_at DESC, c.id DESC"
        ))
        .fetch_all(ctx.db())
        .await?;
    let rows = rows
        .into_iter()
        .map(|mut r| {
            r.mobile = crate::domain::Phone::parse(&r.mobile)
                .map(|m| m.masked())
                .unwrap_or_default();
            r
        })
        .collect();
    Ok(CustomerPage { rows, total })
}

/// Changes a profile; `version` is the one the person saw (409 if it moved on). A new
/// mobile is checked for duplicates as on create.
#[tracing::instrument(name = "crm.update_customer", skip_all, fields(customer = id))]
pub async fn update(
    ctx: &Ctx,
    id: i64,
    input: &CustomerInput,
    version: i64,
) -> Result<(), AppError> {
    ctx.require(Action::EditCustomers)?;
    let before = get(ctx, id).await?;
    let c = input.check(ctx.lang())?;
    if c.mobile.as_str() != before.mobile {
        if let Some(hit) = check_mobile(ctx, c.mobile.as_str()).await? {
            return Err(duplicate(ctx, &hit));
        }
    }
    let now = ctx.now_ms();
    let mobile = c.mobile.as_str();
    let consent_at = match (before.consent, c.consent) {
        (false, true) => Some(now),
        (true, true) => before.consent_at,
        _ => None,
    };
    let mut tx = ctx.db().begin().await?;
    let changed = sql(
        "UPDATE customers SET kind = $1, name = $2, initials = $3, mobile = $4, mobile_last4 = $5,
            phone2 = $6, wechat = $7, id_number = $8, address = $9, source = $10, budget = $11,
            preferred_models = $12, preferred_colors = $13, fuel = $14, timeframe = $15, tags = $16,
            notes = $17, consent = $18, consent_at = $19, updated_at = $20, version = version + 1
         WHERE id = $21 AND version = $22",
    )
    .bind(c.kind.code())
    .bind(&c.name)
    .bind(initials(&c.name))
    .bind(mobile)
    .bind(&mobile[mobile.len() - 4..])
    .bind(&c.phone2)
    .bind(&c.wechat)
    .bind(&c.id_number)
    .bind(&c.address)
    .bind(c.source.code())
    .bind(&c.budget)
    .bind(&c.preferred_models)
    .bind(&c.preferred_colors)
    .bind(c.fuel.map(|f| f.code()).unwrap_or(""))
    .bind(c.timeframe.map(|t| t.code()).unwrap_or(""))
    .bind(c.tags.join(","))
    .bind(&c.notes)
    .bind(c.consent)
    .bind(consent_at)
    .bind(now)
    .bind(id)
    .bind(version)
    .execute(&mut tx)
    .await
    .map_err(|e| {
        e.or_taken(|| AppError::Conflict(ctx.t("customer.mobile_taken_meanwhile").into()))
    })?;
    if changed == 0 {
        return Err(AppError::Conflict(
            ctx.t("customer.changed_meanwhile").into(),
        ));
    }
    ctx.audit(
        &mut tx,
        AuditEntry::new("customer.update", "customer", id)
            .store(Some(before.store_id))
            .before(&serde_json::json!({ "name": before.name, "mobile": before.mobile, "consent": before.consent }))
            .after(&serde_json::json!({ "name": c.name, "mobile": mobile, "consent": c.consent })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Merges `other` into `survivor`: every lead and follow-up of `other` moves to the
/// survivor, and `other` is kept, marked as merged (it no longer shows, and its mobile
/// may be used again only through the survivor). One audit entry names both. Both must
/// be in a store the caller manages.
#[tracing::instrument(name = "crm.merge_customers", skip_all, fields(survivor, other))]
pub async fn merge(ctx: &Ctx, survivor: i64, other: i64) -> Result<(), AppError> {
    ctx.require(Action::MergeCustomers)?;
    if survivor == other {
        return Err(AppError::invalid("other_id", ctx.t("customer.merge_self")));
    }
    let keep = get(ctx, survivor).await?;
    let gone = get(ctx, other).await.map_err(|e| match e {
        AppError::NotFound(m) => AppError::invalid("other_id", m),
        e => e,
    })?;
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    // The merged profile's mobile is set aside (`13800138000#42`), so the survivor may take
    // it: the foundation's per-store unique constraint still counts merged rows. The
    // audit entry keeps it as it was.
    let marked = sql(
        "UPDATE customers SET merged_into = $1, mobile = mobile || '#' || CAST(id AS TEXT),
                updated_at = $2, version = version + 1
         WHERE id = $3 AND merged_into IS NULL AND version = $4",
    )
    .bind(survivor)
    .bind(now)
    .bind(other)
    .bind(gone.version)
    .execute(&mut tx)
    .await?;
    if marked == 0 {
        return Err(AppError::Conflict(
            ctx.t("customer.changed_meanwhile").into(),
        ));
    }
    let leads = sql(
        "UPDATE leads SET customer_id = $1, store_id = $2, updated_at = $3 WHERE customer_id = $4",
    )
    .bind(survivor)
    .bind(keep.store_id)
    .bind(now)
    .bind(other)
    .execute(&mut tx)
    .await?;
    let follow_ups =
        sql("UPDATE follow_ups SET customer_id = $1, store_id = $2 WHERE customer_id = $3")
            .bind(survivor)
            .bind(keep.store_id)
            .bind(other)
            .execute(&mut tx)
            .await?;
    sql("UPDATE customers SET updated_at = $1, version = version + 1 WHERE id = $2")
        .bind(now)
        .bind(survivor)
        .execute(&mut tx)
        .await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("customer.merge", "customer", survivor)
            .store(Some(keep.store_id))
            .before(&serde_json::json!({ "merged": other, "name": gone.name, "mobile": gone.mobile }))
            .after(&serde_json::json!({ "survivor": survivor, "leads": leads, "follow_ups": follow_ups })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives a customer to another salesperson of the same store (or back to the store,
/// unassigned); their open leads and open follow-ups go with them. Audited.
#[tracing::instrument(name = "crm.reassign_customer", skip_all, fields(customer = id))]
pub async fn reassign(ctx: &Ctx, id: i64, owner_id: Option<i64>) -> Result<(), AppError> {
    ctx.require(Action::MergeCustomers)?;
    let c = get(ctx, id).await?;
    if let Some(owner) = owner_id {
        let fits: Option<i64> = sql(
            "SELECT id FROM users WHERE id = $1 AND store_id = $2 AND active AND role IN ('sales', 'sales_manager')",
        )
        .bind(owner)
        .bind(c.store_id)
        .scalar_optional(ctx.db())
        .await?;
        if fits.is_none() {
            return Err(AppError::invalid("owner_id", ctx.t("customer.bad_owner")));
        }
    }
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    sql("UPDATE customers SET owner_id = $1, updated_at = $2, version = version + 1 WHERE id = $3")
        .bind(owner_id)
        .bind(now)
        .bind(id)
        .execute(&mut tx)
        .await?;
    sql("UPDATE leads SET owner_id = $1, updated_at = $2 WHERE customer_id = $3 AND stage NOT IN ('won', 'lost')")
        .bind(owner_id)
        .bind(now)
        .bind(id)
        .execute(&mut tx)
        .await?;
    // Open tasks follow the customer; with nobody to own them they stay with who had them.
    let moved = match owner_id {
        Some(owner) => {
            sql("UPDATE follow_ups SET owner_id = $1 WHERE customer_id = $2 AND done_at IS NULL")
                .bind(owner)
                .bind(id)
                .execute(&mut tx)
                .await?
        }
        None => 0,
    };
    ctx.audit(
        &mut tx,
        AuditEntry::new("customer.reassign", "customer", id)
            .store(Some(c.store_id))
            .before(&serde_json::json!({ "owner": c.owner_id }))
            .after(&serde_json::json!({ "owner": owner_id, "follow_ups_moved": moved })),
    )
    .await?;
    // The old and the new owner's badges change with the tasks that moved.
    let event = super::follow_ups_changed(c.store_id, c.owner_id.into_iter().chain(owner_id));
    ctx.events().stage(&mut tx, &event).await?;
    tx.commit().await?;
    ctx.events().committed(event);
    Ok(())
}

/// The active salespeople (and sales managers) of a store the caller may manage.
pub async fn salespeople(ctx: &Ctx, store_id: i64) -> Result<Vec<(i64, String)>, AppError> {
    let p = ctx.require(Action::MergeCustomers)?;
    if !p.can_access_store(store_id) {
        return Err(AppError::Forbidden(ctx.t("customer.forbidden").into()));
    }
    Ok(sql(
        "SELECT id, display_name FROM users
         WHERE store_id = $1 AND active AND role IN ('sales', 'sales_manager') ORDER BY display_name",
    )
    .bind(store_id)
    .fetch_all(ctx.db())
    .await?)
}

/// What an import did, or (a dry run) would do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub rows: usize,
    pub dry_run: bool,
}

/// Takes in customers from a filled-in template: every row checked, duplicates within the
/// file and against the table named by row (`rows.N.field`, N counting from 2 as in the
/// sheet); all rows or none. A dry run reports the same and writes nothing.
#[tracing::instrument(name = "crm.import_customers", skip_all, fields(rows = inputs.len(), dry_run))]
pub async fn import(
    ctx: &Ctx,
    inputs: Vec<CustomerInput>,
    store_id: Option<i64>,
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    let p = ctx.require(Action::EditCustomers)?;
    if inputs.is_empty() {
        return Err(AppError::invalid("file", ctx.t("import.empty")));
    }
    let store_id = target_store(ctx, p, store_id).await?;
    let mut errors = Vec::new();
    let mut checked = Vec::with_capacity(inputs.len());
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, input) in inputs.iter().enumerate() {
        let row = i + 2;
        match input.check(ctx.lang()) {
            Ok(c) => {
                if let Some(first) = seen.insert(c.mobile.as_str().to_owned(), row) {
                    errors.push(crate::error::FieldError {
                        field: format!("rows.{row}.mobile"),
                        message: ctx.tf("crm.import_same_mobile", &[("row", &first.to_string())]),
                    });
                }
                checked.push((row, c));
            }
            Err(e) => errors.extend(e.fields().iter().map(|f| crate::error::FieldError {
                field: format!("rows.{row}.{}", f.field),
                message: f.message.clone(),
            })),
        }
    }
    // Against the table, a chunk of mobiles at a time.
    for chunk in checked.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let mut q = sql(format!(
            "SELECT c.id, c.mobile, u.display_name, s.name FROM customers c JOIN stores s ON s.id = c.store_id
             LEFT JOIN users u ON u.id = c.owner_id
             WHERE c.merged_into IS NULL AND c.mobile IN ({})",
            marks.join(", ")
        ));
        for (_, c) in chunk {
            q = q.bind(c.mobile.as_str());
        }
        let held: Vec<(i64, String, Option<String>, String)> = q.fetch_all(ctx.db()).await?;
        for (id, mobile, owner_name, store_name) in held {
            if let Some((row, _)) = chunk.iter().find(|(_, c)| c.mobile.as_str() == mobile) {
                // Named as the duplicate check names it to someone who may not open it.
                let hit = DuplicateHit {
                    id,
                    name: None,
                    owner_name,
                    store_name,
                    may_open: false,
                };
                errors.push(crate::error::FieldError {
                    field: format!("rows.{row}.mobile"),
                    message: hit.message(ctx.lang()),
                });
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|f| {
            f.field
                .split('.')
                .nth(1)
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0)
        });
        let n = errors.len();
        let mut e = AppError::invalid_fields(errors);
        if let AppError::Invalid { message, .. } = &mut e {
            *message = ctx.tf("crm.import_refused", &[("n", &n.to_string())]);
        }
        return Err(e);
    }
    let rows = checked.len();
    if dry_run {
        return Ok(ImportReport { rows, dry_run });
    }
    let owner = new_owner(p);
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    for (_, c) in &checked {
        insert(ctx, &mut tx, c, store_id, owner, now).await?;
    }
    ctx.audit(
        &mut tx,
        AuditEntry::new("customer.import", "customer", 0)
            .store(Some(store_id))
            .after(&serde_json::json!({ "rows": rows })),
    )
    .await?;
    tx.commit().await?;
    Ok(ImportReport { rows, dry_run })
}

/// Reads an uploaded file off the async threads, then imports it.
pub async fn import_file(
    ctx: &Ctx,
    bytes: Vec<u8>,
    store_id: Option<i64>,
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    ctx.require(Action::EditCustomers)?;
    let lang = ctx.lang();
    let inputs = tokio::task::spawn_blocking(move || crate::crm::excel::read(&bytes, lang))
        .await
        .map_err(AppError::internal)??;
    import(ctx, inputs, store_id, dry_run).await
}

/// Every customer matching the filter (for the Excel export), up to `cap`.
pub async fn export_rows(
    ctx: &Ctx,
    f: &CustomerFilter,
    cap: i64,
) -> Result<Vec<CustomerItem>, AppError> {
    let mut all = Vec::new();
    let mut f = CustomerFilter {
        limit: Some(CustomerFilter::MAX_PAGE),
        offset: Some(0),
        ..f.clone()
    };
    loop {
        let page = list(ctx, &f).await?;
        let n = page.rows.len() as i64;
        all.extend(page.rows);
        if n < CustomerFilter::MAX_PAGE || all.len() as i64 >= cap {
            break;
        }
        f.offset = Some(f.offset.unwrap_or(0) + n);
    }
    all.truncate(cap as usize);
    Ok(all)
}
