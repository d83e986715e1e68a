//! Complaints (投诉): entered by staff or by a customer from the public page, taken up,
//! resolved, closed and reopened, each step on the complaint's timeline; the response
//! deadline by severity and store; and the job that escalates overdue ones to the store's
//! manager exactly once.
//!
//! The public page has no caller to check: it is rate-limited per address, proves the
//! customer by a booking code or an order number *with* its mobile (a wrong pair and an
//! unknown reference get the same answer), and drops a robot's form (the honeypot field)
//! without a word.

use crate::{
    aftersales::domain::{
        complaint::{
            Category, CheckedStep, ComplaintDetail, ComplaintEvent, ComplaintFilter,
            ComplaintInput, ComplaintRow, ComplaintSource, ComplaintStatus, PublicComplaintInput,
            PublicReference, ResponseHours, Severity, Step, StepInput,
        },
        BookingCode,
    },
    audit::AuditEntry,
    auth::{allowed, Action, Principal},
    ctx::Ctx,
    db::{sql, Db, DbResult, Exec, Tx, Where},
    domain::Role,
    error::AppError,
    ratelimit::{self, Rate},
};
use serde_json::json;

/// `updated_by` / `actor` when the system acted (escalation, a rating's draft).
pub const SYSTEM: &str = "system";
/// `created_by` of a complaint from the public page.
pub const PUBLIC: &str = "public";
/// The most rows a list returns.
pub const LIST_LIMIT: i64 = 300;

const ROW: &str =
    "SELECT c.id, c.reference, c.store_id, s.name AS store_name, c.status, c.category,
        c.severity, c.source, c.description, c.customer_name, c.mobile, c.customer_id, c.order_id,
        o.number AS order_number, c.vehicle_id, v.vin, c.appointment_id, a.code AS appointment_code,
        c.rating_id, c.owner_id, u.display_name AS owner_name, c.due_at, c.responded_at,
        c.resolved_at, c.closed_at, c.escalated_at, c.resolution, c.created_at, c.created_by,
        c.updated_at, c.version
     FROM complaints c JOIN stores s ON s.id = c.store_id
     LEFT JOIN orders o ON o.id = c.order_id LEFT JOIN vehicles v ON v.id = c.vehicle_id
     LEFT JOIN appointments a ON a.id = c.appointment_id LEFT JOIN users u ON u.id = c.owner_id";

/// A complaint to be written, however it came (staff, the public page, a low rating, the
/// demo data).
#[derive(Clone, Debug)]
pub struct NewComplaint {
    pub store_id: i64,
    pub status: ComplaintStatus,
    pub category: Category,
    pub severity: Severity,
    pub source: ComplaintSource,
    pub description: String,
    pub customer_name: String,
    pub mobile: String,
    pub customer_id: Option<i64>,
    pub order_id: Option<i64>,
    pub vehicle_id: Option<i64>,
    pub appointment_id: Option<i64>,
    pub rating_id: Option<i64>,
    pub owner_id: Option<i64>,
}

/// A store's response hours (the defaults when it set none).
pub async fn hours_of<'e>(exec: impl Into<Exec<'e>>, store_id: i64) -> DbResult<ResponseHours> {
    Ok(sql(
        "SELECT urgent_hours, serious_hours, normal_hours FROM complaint_rules WHERE store_id = $1",
    )
    .bind(store_id)
    .fetch_optional::<ResponseHours>(exec)
    .await?
    .unwrap_or_default())
}

/// Writes a complaint with its deadline and the first line of its timeline; its id and
/// reference.
pub async fn insert(
    tx: &mut Tx,
    c: &NewComplaint,
    actor: &str,
    now: i64,
) -> DbResult<(i64, String)> {
    let due_at = hours_of(&mut *tx, c.store_id)
        .await?
        .due_at(c.severity, now);
    // A reference is 40 random bits; a clash is retried with another.
    for _ in 0..5 {
        let reference = BookingCode::from_bits(rand::random::<u64>()).to_string();
        let taken: Option<i64> = sql("SELECT id FROM complaints WHERE reference = $1")
            .bind(&reference)
            .scalar_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            continue;
        }
        let id: i64 = sql(
            "INSERT INTO complaints (reference, store_id, status, category, severity, source, description,
                 customer_name, mobile, customer_id, order_id, vehicle_id, appointment_id, rating_id,
                 owner_id, due_at, created_at, created_by, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $17, $18)
             RETURNING id",
        )
        .bind(&reference)
        .bind(c.store_id)
        .bind(c.status.code())
        .bind(c.category.code())
        .bind(c.severity.code())
        .bind(c.source.code())
        .bind(&c.description)
        .bind(&c.customer_name)
        .bind(&c.mobile)
        .bind(c.customer_id)
        .bind(c.order_id)
        .bind(c.vehicle_id)
        .bind(c.appointment_id)
        .bind(c.rating_id)
        .bind(c.owner_id)
        .bind(due_at)
        .bind(now)
        .bind(actor)
        .scalar(&mut *tx)
        .await?;
        event(
            &mut *tx,
            id,
            now,
            actor,
            "created",
            None,
            Some(c.status),
            "",
        )
        .await?;
        return Ok((id, reference));
    }
    Err(crate::db::DbError {
        statement: None,
        source: sqlx::Error::Protocol("no free complaint reference".into()),
    })
}

/// One line of a complaint's timeline.
#[allow(clippy::too_many_arguments)]
async fn event<'e>(
    exec: impl Into<Exec<'e>>,
    id: i64,
    at: i64,
    actor: &str,
    kind: &str,
    from: Option<ComplaintStatus>,
    to: Option<ComplaintStatus>,
    note: &str,
) -> DbResult<()> {
    sql(
        "INSERT INTO complaint_events (complaint_id, at, actor, kind, from_status, to_status, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(at)
    .bind(actor)
    .bind(kind)
    .bind(from.map(ComplaintStatus::code))
    .bind(to.map(ComplaintStatus::code))
    .bind(note)
    .execute(exec)
    .await
    .map(drop)
}

async fn load<'e>(exec: impl Into<Exec<'e>>, id: i64) -> DbResult<Option<ComplaintRow>> {
    sql(format!("{ROW} WHERE c.id = $1"))
        .bind(id)
        .fetch_optional(exec)
        .await
}

/// The complaint `id`, if the caller may do `action` and reach its store (another
/// store's is answered as missing).
async fn open(ctx: &Ctx, action: Action, id: i64) -> Result<(&Principal, ComplaintRow), AppError> {
    let p = ctx.require(action)?;
    let c = load(ctx.db(), id)
        .await?
        .ok_or_else(|| AppError::NotFound(ctx.t("complaint.not_found").into()))?;
    ctx.require_store(c.store_id, "complaint.not_found")?;
    Ok((p, c))
}

/// The store a caller enters for: their own, or (group roles) the one they name.
fn store_for(ctx: &Ctx, p: &Principal, asked: Option<i64>) -> Result<i64, AppError> {
    match (p.store_scope(), asked) {
        (Some(own), _) => Ok(own),
        (None, Some(store)) => Ok(store),
        (None, None) => Err(AppError::invalid("store_id", ctx.t("complaint.form.store"))),
    }
}

/// An owner must be an active user who handles complaints and reaches `store_id`.
async fn check_owner(ctx: &Ctx, exec: &mut Tx, owner: i64, store_id: i64) -> Result<(), AppError> {
    let row: Option<(String, Option<i64>)> =
        sql("SELECT role, store_id FROM users WHERE id = $1 AND active")
            .bind(owner)
            .fetch_optional(&mut *exec)
            .await?;
    let fits = row.is_some_and(|(role, store)| {
        role.parse::<Role>().is_ok_and(|r| {
            allowed(r, Action::HandleComplaints) && (r.is_group_wide() || store == Some(store_id))
        })
    });
    if fits {
        Ok(())
    } else {
        Err(AppError::invalid("owner_id", ctx.t("complaint.form.owner")))
    }
}

/// Enters a complaint for a store (staff): its links are found by order number, VIN and
/// booking code within that store; a link that finds nothing is refused on its field.
#[tracing::instrument(name = "complaints.create", skip_all)]
pub async fn create(ctx: &Ctx, input: &ComplaintInput) -> Result<i64, AppError> {
    let p = ctx.require(Action::HandleComplaints)?;
    let c = input.check(ctx.lang())?;
    let store_id = store_for(ctx, p, input.store_id)?;
    ctx.require_store(store_id, "complaint.form.store_unknown")
        .map_err(|_| AppError::invalid("store_id", ctx.t("complaint.form.store_unknown")))?;
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    let store: Option<i64> = sql("SELECT id FROM stores WHERE id = $1")
        .bind(store_id)
        .scalar_optional(&mut tx)
        .await?;
    if store.is_none() {
        return Err(AppError::invalid(
            "store_id",
            ctx.t("complaint.form.store_unknown"),
        ));
    }
    let mut errors = Vec::new();
    let mut customer_id = None;
    let mut customer_name = c.customer_name.clone();
    let mut mobile = c.mobile.clone();
    let order_id = match &c.order_number {
        Some(number) => {
            let row: Option<(i64, i64, String, String)> = sql(
                "SELECT o.id, o.customer_id, cu.name, cu.mobile FROM orders o
                 JOIN customers cu ON cu.id = o.customer_id WHERE o.number = $1 AND o.store_id = $2",
            )
            .bind(number.to_ascii_uppercase())
            .bind(store_id)
            .fetch_optional(&mut tx)
            .await?;
            match row {
                Some((id, cust, name, m)) => {
                    customer_id = Some(cust);
                    if customer_name.is_empty() {
                        customer_name = name;
                    }
                    if mobile.is_empty() {
                        mobile = m;
                    }
                    Some(id)
                }
                None => {
                    errors.push(("order_number", ctx.t("complaint.form.not_found")));
                    None
                }
            }
        }
        None => None,
    };
    let vehicle_id = match &c.vin {
        Some(vin) => {
            let id: Option<i64> = sql(
                "SELECT v.id FROM vehicles v JOIN warehouses w ON w.id = v.warehouse_id
                     WHERE v.vin = $1 AND w.store_id = $2",
            )
            .bind(vin)
            .bind(store_id)
            .scalar_optional(&mut tx)
            .await?;
            if id.is_none() {
                errors.push(("vin", ctx.t("complaint.form.not_found")));
            }
            id
        }
        None => None,
    };
    let appointment_id = match &c.appointment_code {
        Some(code) => {
            let row: Option<(i64, Option<i64>, String, String)> = sql(
                "SELECT id, customer_id, name, mobile FROM appointments WHERE code = $1 AND store_id = $2",
            )
            .bind(code)
            .bind(store_id)
            .fetch_optional(&mut tx)
            .await?;
            match row {
                Some((id, cust, name, m)) => {
                    customer_id = customer_id.or(cust);
                    if customer_name.is_empty() {
                        customer_name = name;
                    }
                    if mobile.is_empty() {
                        mobile = m;
                    }
                    Some(id)
                }
                None => {
                    errors.push(("appointment_code", ctx.t("complaint.form.not_found")));
                    None
                }
            }
        }
        None => None,
    };
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(
            errors
                .into_iter()
                .map(|(f, m)| crate::error::FieldError {
                    field: f.into(),
                    message: m.into(),
                })
                .collect(),
        ));
    }
    if let Some(owner) = c.owner_id {
        check_owner(ctx, &mut tx, owner, store_id).await?;
    }
    let new = NewComplaint {
        store_id,
        status: ComplaintStatus::Open,
        category: c.category,
        severity: c.severity,
        source: ComplaintSource::Staff,
        description: c.description.clone(),
        customer_name,
        mobile,
        customer_id,
        order_id,
        vehicle_id,
        appointment_id,
        rating_id: None,
        owner_id: c.owner_id,
    };
    let (id, reference) = insert(&mut tx, &new, &p.display_name, now).await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("complaint.create", "complaint", id)
            .store(Some(store_id))
            .after(&json!({ "reference": reference, "severity": c.severity.code(), "category": c.category.code() })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A complaint from the public page; the reference the customer keeps. A robot's form
/// (the honeypot filled) is answered as a real one and writes nothing.
#[tracing::instrument(name = "complaints.submit_public", skip_all)]
pub async fn submit_public(ctx: &Ctx, input: &PublicComplaintInput) -> Result<String, AppError> {
    let now = ctx.now_ms();
    ratelimit::limit(
        ctx,
        &format!("complain:addr:{}", ratelimit::address(ctx)),
        Rate::COMPLAIN_PER_ADDRESS,
        "complaint.public.too_many",
    )
    .await?;
    if input.is_robot() {
        tracing::info!("complaint form with the honeypot filled: dropped");
        return Ok(BookingCode::from_bits(rand::random::<u64>()).to_string());
    }
    let c = input.check(ctx.lang())?;
    let mut tx = ctx.db().begin().await?;
    // (store, customer, name on record, order, vehicle, appointment)
    type Found = (
        i64,
        Option<i64>,
        String,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let found: Option<Found> = match &c.reference {
        PublicReference::Booking(code) => {
            sql(
                "SELECT store_id, customer_id, name, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), id
             FROM appointments WHERE code = $1 AND mobile = $2",
            )
            .bind(code)
            .bind(&c.mobile)
            .fetch_optional(&mut tx)
            .await?
        }
        PublicReference::Order(number) => sql(
            "SELECT o.store_id, o.customer_id, cu.name, o.id, o.vehicle_id, CAST(NULL AS BIGINT)
             FROM orders o JOIN customers cu ON cu.id = o.customer_id
             WHERE o.number = $1 AND cu.mobile = $2",
        )
        .bind(number)
        .bind(&c.mobile)
        .fetch_optional(&mut tx)
        .await?,
    };
    // A wrong mobile and an unknown reference: one answer, word for word.
    let Some((store_id, customer_id, name, order_id, vehicle_id, appointment_id)) = found else {
        return Err(AppError::invalid(
            "reference",
            ctx.t("complaint.public.not_found"),
        ));
    };
    let new = NewComplaint {
        store_id,
        status: ComplaintStatus::Open,
        category: c.category,
        severity: Severity::Normal,
        source: ComplaintSource::Public,
        description: c.description.clone(),
        customer_name: if c.name.is_empty() {
            name
        } else {
            c.name.clone()
        },
        mobile: c.mobile.clone(),
        customer_id,
        order_id,
        vehicle_id,
        appointment_id,
        rating_id: None,
        owner_id: None,
    };
    let (id, reference) = insert(&mut tx, &new, PUBLIC, now).await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("complaint.create", "complaint", id)
            .store(Some(store_id))
            .after(&json!({ "reference": reference, "source": "public" })),
    )
    .await?;
    tx.commit().await?;
    Ok(reference)
}

/// The complaints the caller may see, most urgent first: unanswered ones by deadline,
/// then the rest by their last change.
pub async fn list(ctx: &Ctx, f: &ComplaintFilter) -> Result<Vec<ComplaintRow>, AppError> {
    let p = ctx.require(Action::ViewComplaints)?;
    f.check(ctx.lang())?;
    let mut w = Where::new();
    if let Some(store) = p.store_scope() {
        w.and("c.store_id = ?", store);
    } else if let Some(store) = f.store_id {
        w.and("c.store_id = ?", store);
    }
    match f.status.trim() {
        "" => {}
        "live" => {
            w.and_sql("c.status NOT IN ('resolved', 'closed')");
        }
        s => {
            w.and("c.status = ?", s.to_owned());
        }
    }
    if f.escalated {
        w.and_sql("c.escalated_at IS NOT NULL AND c.status NOT IN ('resolved', 'closed')");
    }
    if f.overdue {
        w.and(
            "c.status IN ('draft', 'open') AND c.due_at <= ?",
            ctx.now_ms(),
        );
    }
    let rows = w
        .build(
            ROW,
            &format!(
                "ORDER BY CASE WHEN c.status IN ('draft', 'open') THEN 0 ELSE 1 END, \
                 CASE WHEN c.status IN ('draft', 'open') THEN c.due_at ELSE -c.updated_at END, c.id DESC \
                 LIMIT {LIST_LIMIT}"
            ),
        )
        .fetch_all(ctx.db())
        .await?;
    Ok(rows)
}

/// One complaint with its timeline.
pub async fn get(ctx: &Ctx, id: i64) -> Result<ComplaintDetail, AppError> {
    let (_, c) = open(ctx, Action::ViewComplaints, id).await?;
    let events: Vec<ComplaintEvent> = sql(
        "SELECT at, actor, kind, from_status, to_status, note FROM complaint_events
         WHERE complaint_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(ctx.db())
    .await?;
    let now = ctx.now_ms();
    Ok(ComplaintDetail {
        overdue: c.overdue(now),
        complaint: c,
        events,
        now,
    })
}

/// Takes a step on a complaint: a move (confirm or dismiss a draft — the managers' —,
/// take up, resolve, close, reopen), a new owner, or a note. Each is a guarded update on
/// the complaint's version and a line on its timeline.
#[tracing::instrument(name = "complaints.step", skip_all, fields(complaint = id))]
pub async fn step(ctx: &Ctx, id: i64, input: &StepInput) -> Result<(), AppError> {
    let (p, c) = open(ctx, Action::HandleComplaints, id).await?;
    let CheckedStep {
        step,
        note,
        owner_id,
    } = input.check(ctx.lang())?;
    if matches!(step, Step::Confirm | Step::Dismiss) {
        p.require(Action::ManageComplaintRules, ctx.lang())?;
    }
    if input.version.is_some_and(|v| v != c.version) {
        return Err(AppError::Conflict(
            ctx.tf("complaint.changed", &[("who", &c.created_by)]),
        ));
    }
    let to = step.check(c.status, ctx.lang())?;
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    let owner = match step {
        Step::Assign => owner_id,
        // Taking it up makes the caller its owner unless it has one or one is named.
        Step::Start | Step::Reopen => owner_id.or(c.owner_id).or(p.user_id),
        _ => owner_id.or(c.owner_id),
    };
    if let Some(o) = owner.filter(|o| Some(*o) != c.owner_id) {
        check_owner(ctx, &mut tx, o, c.store_id).await?;
    }
    let status = to.unwrap_or(c.status);
    let answered = matches!(step, Step::Start | Step::Resolve | Step::Dismiss);
    let responded_at = c.responded_at.or(answered.then_some(now));
    let (resolved_at, closed_at) = match step {
        Step::Resolve => (Some(now), None),
        Step::Close => (c.resolved_at, Some(now)),
        Step::Dismiss => (None, Some(now)),
        Step::Reopen => (None, None),
        _ => (c.resolved_at, c.closed_at),
    };
    let resolution = if step == Step::Resolve {
        note.clone()
    } else {
        c.resolution.clone()
    };
    let changed = sql(
        "UPDATE complaints SET status = $1, owner_id = $2, responded_at = $3, resolved_at = $4,
             closed_at = $5, resolution = $6, updated_at = $7, updated_by = $8, version = version + 1
         WHERE id = $9 AND version = $10",
    )
    .bind(status.code())
    .bind(owner)
    .bind(responded_at)
    .bind(resolved_at)
    .bind(closed_at)
    .bind(&resolution)
    .bind(now)
    .bind(&p.display_name)
    .bind(id)
    .bind(c.version)
    .execute(&mut tx)
    .await?;
    if changed == 0 {
        return Err(AppError::Conflict(
            ctx.t("complaint.changed_meanwhile").into(),
        ));
    }
    let note = if step == Step::Assign {
        let name: Option<String> = sql("SELECT display_name FROM users WHERE id = $1")
            .bind(owner)
            .scalar_optional(&mut tx)
            .await?;
        let name = name.unwrap_or_default();
        if note.is_empty() {
            name
        } else {
            format!("{name}: {note}")
        }
    } else {
        note
    };
    event(
        &mut tx,
        id,
        now,
        &p.display_name,
        step.code(),
        to.map(|_| c.status),
        to,
        &note,
    )
    .await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("complaint.step", "complaint", id)
            .store(Some(c.store_id))
            .before(&json!({ "status": c.status.code(), "owner": c.owner_id }))
            .after(&json!({ "status": status.code(), "owner": owner, "step": step.code() })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Who may own a complaint of the caller's store(s): (id, name, store).
pub async fn owners(ctx: &Ctx) -> Result<Vec<(i64, String)>, AppError> {
    let p = ctx.require(Action::ViewComplaints)?;
    let mut w = Where::new();
    w.and_sql("u.active")
        .and_sql("u.role IN ('service_advisor', 'sales', 'sales_manager', 'general_manager')");
    if let Some(store) = p.store_scope() {
        w.and("(u.store_id = ? OR u.role = 'general_manager')", store);
    }
    Ok(w.build(
        "SELECT u.id, u.display_name FROM users u",
        "ORDER BY u.store_id, u.display_name",
    )
    .fetch_all(ctx.db())
    .await?)
}

/// How many complaints escalated to the caller wait on them, for the navigation badge:
/// a manager's (their stores', not yet settled); nothing for other roles.
pub async fn escalated_count(ctx: &Ctx) -> Result<i64, AppError> {
    let p = ctx.require(Action::ViewComplaints)?;
    if !allowed(p.role, Action::ManageComplaintRules) {
        return Ok(0);
    }
    let mut w = Where::new();
    w.and_sql("escalated_at IS NOT NULL AND status NOT IN ('resolved', 'closed')");
    if let Some(store) = p.store_scope() {
        w.and("store_id = ?", store);
    }
    Ok(w.build("SELECT COUNT(*) FROM complaints", "")
        .scalar(ctx.db())
        .await?)
}

/// A store's response hours.
pub async fn rules(ctx: &Ctx, store_id: Option<i64>) -> Result<(i64, ResponseHours), AppError> {
    let p = ctx.require(Action::ViewComplaints)?;
    let store = store_for(ctx, p, store_id)?;
    ctx.require_store(store, "complaint.form.store_unknown")?;
    Ok((store, hours_of(ctx.db(), store).await?))
}

/// Sets a store's response hours (its managers). Complaints already made keep their
/// deadlines.
#[tracing::instrument(name = "complaints.set_rules", skip_all)]
pub async fn set_rules(
    ctx: &Ctx,
    store_id: Option<i64>,
    hours: ResponseHours,
) -> Result<(), AppError> {
    let p = ctx.require(Action::ManageComplaintRules)?;
    let hours = hours.check(ctx.lang())?;
    let store = store_for(ctx, p, store_id)?;
    ctx.require_store(store, "complaint.form.store_unknown")
        .map_err(|_| AppError::invalid("store_id", ctx.t("complaint.form.store_unknown")))?;
    let now = ctx.now_ms();
    let mut tx = ctx.db().begin().await?;
    let before = hours_of(&mut tx, store).await?;
    sql("INSERT INTO complaint_rules (store_id, urgent_hours, serious_hours, normal_hours, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (store_id) DO UPDATE SET urgent_hours = $2, serious_hours = $3, normal_hours = $4,
             updated_at = $5, updated_by = $6, version = complaint_rules.version + 1")
    .bind(store)
    .bind(hours.urgent_hours)
    .bind(hours.serious_hours)
    .bind(hours.normal_hours)
    .bind(now)
    .bind(&p.display_name)
    .execute(&mut tx)
    .await?;
    ctx.audit(
        &mut tx,
        AuditEntry::new("complaint.rules", "store", store)
            .store(Some(store))
            .before(&before)
            .after(&hours),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Escalates every complaint still unanswered past its deadline to its store's manager,
/// once: one conditional UPDATE marks them (`… WHERE escalated_at IS NULL`), so of two
/// processes running this at once each complaint is marked by exactly one — on
/// PostgreSQL the second waits for the first's row lock and then finds it marked. Each
/// gets a line on its timeline naming the managers it went to. How many were escalated.
#[tracing::instrument(name = "complaints.escalate", skip_all)]
pub async fn escalate_overdue(db: &Db, now: i64) -> DbResult<usize> {
    let mut tx = db.begin().await?;
    let marked: Vec<(i64, i64)> = sql("UPDATE complaints SET escalated_at = $1
         WHERE escalated_at IS NULL AND responded_at IS NULL AND status IN ('draft', 'open')
           AND due_at <= $1
         RETURNING id, store_id")
    .bind(now)
    .fetch_all(&mut tx)
    .await?;
    for (id, store_id) in &marked {
        let managers: Vec<(String,)> = sql(
            "SELECT display_name FROM users WHERE active AND role = 'sales_manager' AND store_id = $1
             ORDER BY id",
        )
        .bind(*store_id)
        .fetch_all(&mut tx)
        .await?;
        let names = managers
            .into_iter()
            .map(|(n,)| n)
            .collect::<Vec<_>>()
            .join(", ");
        event(&mut tx, *id, now, SYSTEM, "escalated", None, None, &names).await?;
        crate::audit::record(
            &mut tx,
            crate::audit::Actor::System("complaints.escalate"),
            AuditEntry::new("complaint.escalate", "complaint", *id).store(Some(*store_id)),
            None,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(marked.len())
}
