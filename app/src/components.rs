//! The UI kit every module's pages are built from: the page frame, form fields that show
//! their own error beside them, selects, a data table with an empty state, a report's
//! typed tables (also written to .xlsx), SVG charts, a confirm button, notes, and the
//! signed-in user as a context.

pub mod chart;
pub mod confirm;
pub mod field;
pub mod form;
pub mod live;
pub mod note;
pub mod page;
pub mod print;
pub mod sheet;
pub mod table;
pub mod user;

pub use chart::{Bar, Chart, Series};
pub use confirm::ConfirmButton;
pub use field::{options, Choice, Field, Select, SelectField, TextArea};
pub use form::{FormErrors, FormState};
pub use note::{action_error, error_fallback, ErrorNote, Stat};
pub use page::Page;
pub use sheet::{Cell, Sheet, SheetTable};
pub use table::{Column, DataTable};
pub use user::{provide_current_user, use_current_user, CurrentUser};
