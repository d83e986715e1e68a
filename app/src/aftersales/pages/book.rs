//! The public booking (在线预约), for a customer's phone, without an account: four screens
//! of plain forms — store and service, day and slot, name and car, the confirmation with
//! the code and a calendar file — and the customer's own page, found again with code and
//! mobile, to reschedule or cancel. Nothing here shows staff data.

use super::AppointmentBadge;
use crate::{
    aftersales::{
        api::{
            booking_slots, booking_stores, booking_view, BookVisit, CancelBooking, FindBooking,
            RescheduleBooking, SlotsView,
        },
        domain::ServiceType,
    },
    components::{action_error, Field, FormErrors, FormState},
    error::AppError,
    i18n::use_lang,
    layout::LangSwitch,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The frame of the public pages: the brand, the language switch, the step.
#[component]
fn PublicFrame(
    title: &'static str,
    #[prop(optional)] step: u8,
    children: Children,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="public-page">
            <header class="public-head">
                <a class="brand" href="/book"><span class="brand-mark">"F"</span>{lang.t("service.book.brand")}</a>
                <LangSwitch lang />
            </header>
            <main class="public-main">
                {(step > 0).then(|| view! {
                    <p class="muted step" data-testid="book-step">{lang.tf("service.book.step", &[("n", &step.to_string())])}</p>
                })}
                <h1>{lang.t(title)}</h1>
                {children()}
            </main>
        </div>
    }
}

fn q(key: &'static str) -> impl Fn() -> String + Copy {
    let query = use_query_map();
    move || query.read().get(key).unwrap_or_default()
}

/// Screen 1: which store, and what for.
#[component]
pub fn BookStartPage() -> impl IntoView {
    let lang = use_lang();
    let stores = Resource::new(|| (), |_| booking_stores());
    view! {
        <PublicFrame title="service.book.title" step=1>
            <p class="muted">{lang.t("service.book.intro")}</p>
            <Suspense fallback=move || view! { <p class="muted">{lang.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    let stores = stores.await?;
                    let first = stores.first().map(|s| s.id);
                    Ok::<_, AppError>(view! {
                        <form method="get" action="/book/slot" class="form" data-testid="book-start">
                            <fieldset class="choices">
                                <legend>{lang.t("service.book.store")}</legend>
                                {stores.into_iter().map(|s| {
                                    let id = format!("store-{}", s.id);
                                    let for_id = id.clone();
                                    view! {
                                        <label class="choice" for=for_id>
                                            <input type="radio" id=id name="store" value=s.id.to_string() required=true checked=first == Some(s.id) />
                                            <span><strong>{s.name}</strong><br /><small class="muted">{s.city}" "{s.address}</small></span>
                                        </label>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <fieldset class="choices">
                                <legend>{lang.t("service.book.service")}</legend>
                                {ServiceType::ALL.iter().enumerate().map(|(i, t)| {
                                    let id = format!("type-{}", t.code());
                                    let for_id = id.clone();
                                    view! {
                                        <label class="choice" for=for_id>
                                            <input type="radio" id=id name="type" value=t.code() required=true checked=i == 0 />
                                            <span>{lang.t(t.label_key())}</span>
                                        </label>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <button type="submit" class="btn btn-primary btn-block">{lang.t("service.book.next")}</button>
                        </form>
                        <p><a href="/book/find">{lang.t("service.book.find_link")}</a></p>
                    })
                })}
            </Suspense>
        </PublicFrame>
    }
}

/// The day links and slot choices of one day; the form goes to `action` with the slot.
#[component]
fn SlotPicker(
    view_: SlotsView,
    /// Where a day link goes (the day is added).
    day_href: String,
    /// Hidden fields the form carries.
    hidden: Vec<(&'static str, String)>,
    action: &'static str,
    #[prop(optional)] post: bool,
    submit: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let current = view_.day.clone();
    let any_open = view_.slots.iter().any(|s| s.open());
    let first_open = view_.slots.iter().find(|s| s.open()).map(|s| s.start_min);
    view! {
        <nav class="day-strip" aria-label=lang.t("service.book.days")>
            {view_.days.iter().map(|d| {
                let here = *d == current;
                view! {
                    <a href=format!("{day_href}&day={d}") class="day-link" class:active=here
                        aria-current=here.then_some("date")>{d[5..].to_owned()}</a>
                }
            }).collect_view()}
        </nav>
        {(!any_open).then(|| view! {
            <div class="note note-warn" role="status" data-testid="day-full">
                <p>{lang.t("service.book.day_full")}</p>
                {(!view_.next_free.is_empty()).then(|| view! {
                    <p>{lang.t("service.book.next_free")}</p>
                    <ul class="next-free">
                        {view_.next_free.iter().map(|s| {
                            let d = s.day.to_string();
                            view! { <li><a href=format!("{day_href}&day={d}")>{format!("{} {}", &d[5..], s.time())}</a></li> }
                        }).collect_view()}
                    </ul>
                })}
            </div>
        })}
        <form method=if post { "post" } else { "get" } action=action class="form" data-testid="slot-form">
            {hidden.into_iter().map(|(k, v)| view! { <input type="hidden" name=k value=v /> }).collect_view()}
            <input type="hidden" name="day" value=current.clone() />
            <fieldset class="slots">
                <legend>{lang.tf("service.book.slots_of", &[("day", &current)])}</legend>
                {view_.slots.iter().map(|s| {
                    let id = format!("slot-{}", s.start_min);
                    let for_id = id.clone();
                    let label = if s.open() {
                        lang.tf("service.book.left", &[("n", &s.left().to_string())])
                    } else if s.problem == Some(crate::aftersales::domain::SlotProblem::Full) {
                        lang.t("service.book.full").to_owned()
                    } else {
                        lang.t("service.book.closed").to_owned()
                    };
                    view! {
                        <label class="slot" class:slot-full=!s.open() for=for_id data-testid="slot">
                            <input type="radio" id=id name="time" value=s.time() disabled=!s.open()
                                required=true checked=first_open == Some(s.start_min) />
                            <span class="slot-time">{s.time()}</span>
                            <small>{label}</small>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <button type="submit" class="btn btn-primary btn-block" disabled=!any_open>{lang.t(submit)}</button>
        </form>
    }
}

/// Screen 2: the day and a slot with room.
#[component]
pub fn BookSlotPage() -> impl IntoView {
    let lang = use_lang();
    let (store, kind, day) = (q("store"), q("type"), q("day"));
    let slots = Resource::new(
        move || (store(), kind(), day()),
        |(s, t, d)| async move {
            let s = s.trim().parse::<i64>().unwrap_or(0);
            booking_slots(s, t, d).await
        },
    );
    view! {
        <PublicFrame title="service.book.pick_slot" step=2>
            <Suspense fallback=move || view! { <p class="muted">{lang.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    let v = slots.await?;
                    let (s, t) = (store(), kind());
                    let kind_label = ServiceType::parse(&t).map(|t| lang.t(t.label_key())).unwrap_or_default();
                    Ok::<_, AppError>(view! {
                        <p class="muted">{kind_label}" · "<a href="/book">{lang.t("service.book.change")}</a></p>
                        <SlotPicker view_=v day_href=format!("/book/slot?store={s}&type={t}")
                            hidden=vec![("store", s.clone()), ("type", t.clone())]
                            action="/book/details" submit="service.book.next" />
                    })
                })}
            </Suspense>
        </PublicFrame>
    }
}

/// Screen 3: who is coming, with which car.
#[component]
pub fn BookDetailsPage() -> impl IntoView {
    let lang = use_lang();
    let book = ServerAction::<BookVisit>::new();
    let form = FormState::new("book", book.value());
    let (store, kind, day, time) = (q("store"), q("type"), q("day"), q("time"));
    // A refusal without JavaScript comes back to this address: the slot travels in it.
    let kind_label = move || {
        ServiceType::parse(&kind())
            .map(|t| lang.t(t.label_key()))
            .unwrap_or_default()
    };
    view! {
        <PublicFrame title="service.book.details" step=3>
            <p class="summary" data-testid="book-summary">{kind_label}" · "{day}" "{time}" · "
                <a href=move || format!("/book/slot?store={}&type={}&day={}", store(), kind(), day())>{lang.t("service.book.change")}</a>
            </p>
            {move || form.error_for("time").or_else(|| form.error_for("day")).or_else(|| form.error_for("store_id")).map(|m| view! {
                <p class="note note-error" role="alert" data-testid="slot-error">{m}" "
                    <a href=format!("/book/slot?store={}&type={}&day={}", store(), kind(), day())>{lang.t("service.book.pick_again")}</a></p>
            })}
            <ActionForm action=book node_ref=form.node() attr:class="form" attr:data-testid="book-form">
                <input type="hidden" name="store_id" value=store />
                <input type="hidden" name="service_type" value=kind />
                <input type="hidden" name="day" value=day />
                <input type="hidden" name="time" value=time />
                <BookField form name="name" label=lang.t("service.form.name_label") autocomplete="name" required=true maxlength=50 />
                <BookField form name="mobile" label=lang.t("service.form.mobile_label") kind="tel" inputmode="tel" autocomplete="tel" required=true maxlength=20 />
                <BookField form name="plate" label=lang.t("service.form.plate_label") maxlength=12 hint=lang.t("service.form.plate_hint") />
                <BookField form name="vin" label=lang.t("service.form.vin_label") maxlength=17 />
                <BookField form name="mileage" label=lang.t("service.form.mileage_label") inputmode="numeric" maxlength=9 />
                <BookField form name="note" label=lang.t("service.form.note_label") maxlength=500 />
                // People never see this field; a form filler that fills it books nothing.
                <div class="hp" aria-hidden="true">
                    <label for="book-website">"Website"</label>
                    <input id="book-website" name="website" type="text" tabindex="-1" autocomplete="off" />
                </div>
                <FormErrors form />
                <button type="submit" class="btn btn-primary btn-block">{lang.t("service.book.submit")}</button>
            </ActionForm>
        </PublicFrame>
    }
}

/// A booking form field with an optional hint under its label, its error beside it, and
/// what was typed kept after a refusal.
#[component]
fn BookField(
    form: FormState,
    name: &'static str,
    label: &'static str,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let id = format!("book-{name}");
    let typed = form.typed(name);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let message = move || form.error_for(name);
    let described = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if message().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:invalid=move || message().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <small class="muted" id=hint_id.clone()>{h}</small> })}
            <input id=id name=name type=kind.unwrap_or("text") value=typed.unwrap_or_default()
                inputmode=inputmode autocomplete=autocomplete required=required
                maxlength=maxlength.map(|n| n.to_string())
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby=described />
            <span class="field-error" id=error_id>{message}</span>
        </div>
    }
}

/// A filled honeypot lands here: it looks like a booking went through.
#[component]
pub fn BookReceivedPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <PublicFrame title="service.book.received">
            <p>{lang.t("service.book.received_text")}</p>
        </PublicFrame>
    }
}

/// Screen 4, and the customer's own page later: the booking, its code, the calendar file,
/// and (while it may be changed) reschedule and cancel.
#[component]
pub fn BookingPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let fresh = q("new");
    let moved = q("moved");
    let booking = Resource::new(token, booking_view);
    let cancel = ServerAction::<CancelBooking>::new();
    view! {
        <PublicFrame title="service.book.your_booking">
            {action_error(cancel.value())}
            <Suspense fallback=move || view! { <p class="muted">{lang.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    let b = booking.await?;
                    let t = token();
                    Ok::<_, AppError>(view! {
                        {(fresh() == "1").then(|| view! { <p class="note note-ok" role="status" data-testid="booked">{lang.t("service.book.done")}</p> })}
                        {(moved() == "1").then(|| view! { <p class="note note-ok" role="status">{lang.t("service.book.moved")}</p> })}
                        <div class="card booking-card" data-testid="booking">
                            <p class="code-line">{lang.t("service.code")}" "<strong class="booking-code" data-testid="booking-code">{b.code.clone()}</strong></p>
                            <p class="muted">{lang.t("service.book.keep_code")}</p>
                            <dl class="details">
                                <dt>{lang.t("service.book.status")}</dt><dd><AppointmentBadge status=b.status /></dd>
                                <dt>{lang.t("service.book.service")}</dt><dd>{lang.t(b.service_type.label_key())}</dd>
                                <dt>{lang.t("service.book.when")}</dt><dd data-testid="booking-when">{format!("{} {}", b.day, b.time)}</dd>
                                <dt>{lang.t("service.book.store")}</dt><dd>{b.store_name.clone()}<br /><small>{b.store_address.clone()}" "{b.store_phone.clone()}</small></dd>
                                <dt>{lang.t("service.form.name_label")}</dt><dd>{b.name.clone()}" · "{b.mobile.clone()}</dd>
                                {(!b.plate.is_empty()).then(|| view! { <dt>{lang.t("service.form.plate_label")}</dt><dd>{b.plate.clone()}</dd> })}
                            </dl>
                            <p><a class="btn btn-block" href=format!("/book/ics/{t}") download="booking.ics">{lang.t("service.book.add_calendar")}</a></p>
                            {b.changeable.then(|| view! {
                                <p><a class="btn btn-block" href=format!("/book/a/{t}/reschedule") data-testid="reschedule-link">{lang.t("service.book.reschedule")}</a></p>
                                <ActionForm action=cancel attr:class="form">
                                    <input type="hidden" name="token" value=t.clone() />
                                    <button type="submit" class="btn btn-danger btn-block" data-confirm=lang.t("service.book.cancel_confirm")>{lang.t("service.book.cancel")}</button>
                                </ActionForm>
                            })}
                        </div>
                    })
                })}
            </Suspense>
        </PublicFrame>
    }
}

/// Another slot for a booking, by the same rules.
#[component]
pub fn ReschedulePage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let day = q("day");
    let resched = ServerAction::<RescheduleBooking>::new();
    let data = Resource::new(
        move || (token(), day()),
        |(t, d)| async move {
            let b = booking_view(t).await?;
            let slots = booking_slots(b.store_id, b.service_type.code().to_owned(), d).await?;
            Ok::<_, AppError>((b, slots))
        },
    );
    view! {
        <PublicFrame title="service.book.reschedule">
            {action_error(resched.value())}
            <Suspense fallback=move || view! { <p class="muted">{lang.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    let (b, slots) = data.await?;
                    let t = token();
                    let path = <RescheduleBooking as server_fn::ServerFn>::PATH;
                    Ok::<_, AppError>(view! {
                        <p class="muted">{lang.tf("service.book.now_at", &[("when", &format!("{} {}", b.day, b.time))])}</p>
                        <SlotPicker view_=slots day_href=format!("/book/a/{t}/reschedule?x=1")
                            hidden=vec![("token", t.clone())] action=path post=true
                            submit="service.book.reschedule_submit" />
                    })
                })}
            </Suspense>
        </PublicFrame>
    }
}

/// Finding a booking again: its code and the mobile it was made with.
#[component]
pub fn FindBookingPage() -> impl IntoView {
    let lang = use_lang();
    let find = ServerAction::<FindBooking>::new();
    let form = FormState::new("find", find.value());
    view! {
        <PublicFrame title="service.book.find">
            <p class="muted">{lang.t("service.book.find_intro")}</p>
            <ActionForm action=find node_ref=form.node() attr:class="form" attr:data-testid="find-form">
                <Field form name="code" label=lang.t("service.code") required=true autocapitalize="characters" maxlength=12 autocomplete="off" />
                <Field form name="mobile" label=lang.t("service.form.mobile_label") kind="tel" inputmode="tel" required=true maxlength=20 />
                <FormErrors form />
                <button type="submit" class="btn btn-primary btn-block">{lang.t("service.book.find_submit")}</button>
            </ActionForm>
        </PublicFrame>
    }
}
