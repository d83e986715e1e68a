//! 服务台: a store's day — each slot with its load and the appointments in it, each with
//! the steps the desk may take (到店 with mileage, notes and advisor; 开始; 完成; 未到店;
//! 取消) — a walk-in form, and the week at a glance. A live region: a booking made or
//! cancelled online appears without a reload.

use super::AppointmentBadge;
use crate::{
    aftersales::{
        api::{desk_day, desk_week, DeskBook, MoveAppointment as StepFn},
        domain::{AppointmentStep, DeskAppointment, ServiceType},
    },
    components::{action_error, Page},
    error::AppError,
    i18n::use_lang,
};
use leptos::prelude::*;

fn shift(day: &str, days: i64) -> String {
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.checked_add_signed(chrono::Duration::days(days)))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// The store picker (group roles) and day navigation, as a plain GET form.
#[component]
fn DeskNav(
    stores: Vec<(i64, String)>,
    store_id: i64,
    day: String,
    base: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let (prev, next) = (
        shift(&day, if base == "/service/week" { -7 } else { -1 }),
        shift(&day, if base == "/service/week" { 7 } else { 1 }),
    );
    view! {
        <form method="get" action=base class="toolbar desk-nav">
            {(stores.len() > 1).then(|| view! {
                <label for="desk-store" class="visually-hidden">{lang.t("service.desk.store")}</label>
                <select id="desk-store" name="store">
                    {stores.iter().map(|(id, name)| view! { <option value=id.to_string() selected=*id == store_id>{name.clone()}</option> }).collect_view()}
                </select>
            })}
            <label for="desk-day" class="visually-hidden">{lang.t("service.desk.day")}</label>
            <input id="desk-day" type="date" name="day" value=day.clone() />
            <button type="submit" class="btn">{lang.t("service.desk.go")}</button>
            <a class="btn" href=format!("{base}?store={store_id}&day={prev}") aria-label=lang.t("service.desk.prev")>"‹"</a>
            <a class="btn" href=format!("{base}?store={store_id}&day={next}") aria-label=lang.t("service.desk.next")>"›"</a>
            <a class="btn" href=format!("/service/capacity?store={store_id}")>{lang.t("service.capacity.title")}</a>
            <a class="btn" href=format!("/service/messages?store={store_id}")>{lang.t("reminder.title")}</a>
            {if base == "/service" {
                view! { <a class="btn" href=format!("/service/week?store={store_id}&day={day}")>{lang.t("service.desk.week")}</a> }.into_any()
            } else {
                view! { <a class="btn" href=format!("/service?store={store_id}&day={day}")>{lang.t("service.desk.day_view")}</a> }.into_any()
            }}
        </form>
    }
}

#[component]
pub fn DeskPage() -> impl IntoView {
    let lang = use_lang();
    let params = super::store_and("day");
    let data = Resource::new(params, |(s, d)| desk_day(s, d));
    let step = ServerAction::<StepFn>::new();
    let book = ServerAction::<DeskBook>::new();
    view! {
        <Page title="service.desk.title">
            {action_error(step.value())}
            {action_error(book.value())}
            {move || Suspend::new(async move {
                let v = data.await?;
                let d = v.day;
                let advisors = d.advisors.clone();
                let total: usize = d.slots.iter().map(|s| s.appointments.len()).sum::<usize>() + d.other.len();
                Ok::<_, AppError>(view! {
                    <DeskNav stores=v.stores store_id=d.store_id day=d.day.clone() base="/service" />
                    <div id="desk-live" data-live-region data-testid="desk">
                        <p class="muted" data-testid="desk-total">{lang.tf("service.desk.n_appointments", &[("n", &total.to_string()), ("day", &d.day)])}</p>
                        {d.closed.then(|| view! { <p class="note">{lang.t("service.desk.closed")}</p> })}
                        <div class="desk-slots">
                            {d.slots.into_iter().map(|s| {
                                let advisors = advisors.clone();
                                view! {
                                    <section class="desk-slot" data-testid="desk-slot" data-time=s.time.clone()>
                                        <h2 class="slot-head">{s.time.clone()}
                                            {s.load.iter().map(|l| view! {
                                                <span class="load" class:load-full={l.booked >= l.places}>
                                                    {pool_label(lang, &l.pool)}" "{l.booked.to_string()}"/"{l.places.to_string()}
                                                </span>
                                            }).collect_view()}
                                        </h2>
                                        {s.appointments.into_iter().map(|a| view! { <AppointmentCard a advisors=advisors.clone() step /> }).collect_view()}
                                    </section>
                                }
                            }).collect_view()}
                        </div>
                        {(!d.other.is_empty()).then(|| view! {
                            <section class="desk-slot">
                                <h2 class="slot-head">{lang.t("service.desk.other")}</h2>
                                {d.other.into_iter().map(|a| view! { <AppointmentCard a advisors=advisors.clone() step /> }).collect_view()}
                            </section>
                        })}
                    </div>
                    <WalkInForm store_id=d.store_id day=d.day book />
                })
            })}
        </Page>
    }
}

fn pool_label(lang: crate::i18n::Lang, pool: &str) -> &'static str {
    ServiceType::parse(pool).map_or(lang.t("service.pool.shared"), |t| lang.t(t.label_key()))
}

/// One appointment at the desk, and the steps it can take.
#[component]
fn AppointmentCard(
    a: DeskAppointment,
    advisors: Vec<crate::aftersales::domain::Person>,
    step: ServerAction<StepFn>,
) -> impl IntoView {
    let lang = use_lang();
    let r = a.row;
    let id = r.id;
    let offered = AppointmentStep::offered(r.status);
    let check_in = offered.contains(&AppointmentStep::CheckIn);
    view! {
        <article class="card appointment" data-testid="appointment" data-code=r.code.clone() data-status=r.status.code()>
            <h3>{r.name.clone()}" "<AppointmentBadge status=r.status /></h3>
            <p class="muted">
                {lang.t(r.service_type.label_key())}" · "{r.plate.clone()}{(!r.vin.is_empty()).then(|| format!(" · {}", r.vin))}
                " · "{crate::aftersales::domain::masked_mobile(&r.mobile)}" · "{lang.t(r.source.label_key())}
                {a.advisor_name.clone().map(|n| format!(" · {n}"))}
            </p>
            {(!r.note.is_empty()).then(|| view! { <p>{r.note.clone()}</p> })}
            {(!r.checkin_notes.is_empty()).then(|| view! { <p>{r.checkin_notes.clone()}</p> })}
            {a.rating.clone().map(|link| {
                let (url, answered) = (link.url, link.answered);
                let field = format!("rating-{id}");
                let for_field = field.clone();
                view! {
                    <div class="field" data-testid="desk-rating">
                        <label for=for_field>{lang.t("rating.link_title")}
                            {answered.then(|| format!(" · {}", lang.t("rating.link_answered")))}</label>
                        <input id=field type="text" readonly=true value=url />
                    </div>
                }
            })}
            {(!offered.is_empty()).then(|| view! {
                <ActionForm action=step attr:class="form step-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <input type="hidden" name="version" value=r.version.to_string() />
                    {check_in.then(|| {
                        let (m, n, adv) = (format!("mileage-{id}"), format!("notes-{id}"), format!("advisor-{id}"));
                        view! {
                            <div class="form-grid">
                                <div class="field"><label for=m.clone()>{lang.t("service.form.mileage_label")}</label>
                                    <input id=m name="mileage" inputmode="numeric" maxlength="9" value=r.mileage.map(|k| k.to_string()).unwrap_or_default() /></div>
                                <div class="field"><label for=adv.clone()>{lang.t("service.desk.advisor")}</label>
                                    <select id=adv name="advisor_id">
                                        <option value="">{lang.t("service.desk.me")}</option>
                                        {advisors.iter().map(|p| view! { <option value=p.id.to_string()>{p.name.clone()}</option> }).collect_view()}
                                    </select></div>
                                <div class="field field-wide"><label for=n.clone()>{lang.t("service.desk.notes")}</label>
                                    <input id=n name="notes" maxlength="500" /></div>
                            </div>
                        }
                    })}
                    <div class="actions">
                        {offered.iter().map(|s| view! {
                            <button type="submit" name="step" value=s.code()
                                class=if *s == AppointmentStep::Cancel || *s == AppointmentStep::NoShow { "btn btn-danger" } else { "btn btn-primary" }
                                data-testid=format!("step-{}", s.code())>{lang.t(s.label_key())}</button>
                        }).collect_view()}
                    </div>
                </ActionForm>
            })}
        </article>
    }
}

/// A customer at the counter now (到店, checked in at once), or one on the phone booked
/// into a slot: the same form, two buttons.
#[component]
fn WalkInForm(store_id: i64, day: String, book: ServerAction<DeskBook>) -> impl IntoView {
    let lang = use_lang();
    let field = move |name: &'static str, label: &'static str, extra: Option<&'static str>| {
        let id = format!("walkin-{name}");
        let message = move || {
            book.value()
                .get()
                .and_then(Result::err)
                .and_then(|e| e.field(name).map(str::to_owned))
        };
        let err_id = format!("{id}-error");
        view! {
            <div class="field" class:invalid=move || message().is_some()>
                <label for=id.clone()>{label}</label>
                <input id=id name=name inputmode=extra maxlength="60"
                    aria-invalid=move || message().is_some().then_some("true") aria-describedby=err_id.clone() />
                <span class="field-error" id=err_id>{message}</span>
            </div>
        }
    };
    view! {
        <details class="card walk-in" data-testid="walk-in">
            <summary>{lang.t("service.desk.walk_in")}</summary>
            <ActionForm action=book attr:class="form form-grid">
                <input type="hidden" name="store_id" value=store_id.to_string() />
                <input type="hidden" name="day" value=day />
                <div class="field">
                    <label for="walkin-type">{lang.t("service.book.service")}</label>
                    <select id="walkin-type" name="service_type">
                        {ServiceType::ALL.iter().map(|t| view! { <option value=t.code()>{lang.t(t.label_key())}</option> }).collect_view()}
                    </select>
                </div>
                {field("time", lang.t("service.desk.time"), None)}
                {field("name", lang.t("service.form.name_label"), None)}
                {field("mobile", lang.t("service.form.mobile_label"), Some("tel"))}
                {field("plate", lang.t("service.form.plate_label"), None)}
                {field("vin", lang.t("service.form.vin_label"), None)}
                {field("mileage", lang.t("service.form.mileage_label"), Some("numeric"))}
                {field("note", lang.t("service.form.note_label"), None)}
                <div class="actions field-wide">
                    <button type="submit" name="source" value="walk_in" class="btn btn-primary" data-testid="walk-in-submit">{lang.t("service.desk.add_walk_in")}</button>
                    <button type="submit" name="source" value="staff" class="btn">{lang.t("service.desk.add_booking")}</button>
                </div>
            </ActionForm>
        </details>
    }
}

/// 服务台 · 周: each day's places booked against places.
#[component]
pub fn WeekPage() -> impl IntoView {
    let lang = use_lang();
    let params = super::store_and("day");
    let data = Resource::new(params, |(s, d)| desk_week(s, d));
    view! {
        <Page title="service.desk.week_title">
            {move || Suspend::new(async move {
                let w = data.await?;
                let store_id = w.store_id;
                Ok::<_, AppError>(view! {
                    <DeskNav stores=w.stores store_id day=w.monday.clone() base="/service/week" />
                    <div id="week-live" data-live-region class="table-wrap">
                        <table class="table" data-testid="week">
                            <thead><tr>
                                <th scope="col">{lang.t("service.desk.day")}</th>
                                <th scope="col">{lang.t("service.desk.load")}</th>
                                <th scope="col">{lang.t("service.desk.by_status")}</th>
                            </tr></thead>
                            <tbody>
                                {w.days.into_iter().map(|d| {
                                    let pct = if d.places > 0 { d.booked * 100 / d.places } else { 0 };
                                    view! {
                                        <tr class:muted=d.closed>
                                            <th scope="row"><a href=format!("/service?store={store_id}&day={}", d.day)>{d.day.clone()}</a></th>
                                            <td>{if d.closed { lang.t("service.desk.closed_short").to_owned() } else { format!("{}/{} ({pct}%)", d.booked, d.places) }}</td>
                                            <td>{d.by_status.iter().map(|(s, n)| {
                                                let label = crate::aftersales::domain::AppointmentStatus::parse(s).map(|s| lang.t(s.label_key())).unwrap_or_default();
                                                format!("{label} {n}")
                                            }).collect::<Vec<_>>().join(" · ")}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                })
            })}
        </Page>
    }
}
