//! Orders' rules, pure: no I/O, compiled for the server and the browser alike, and
//! unit-tested where they stand. The page, the server, the importer and the REST API all
//! decide with these, so a price or an approval comes out the same whichever way an order
//! arrives.

pub mod approval;
pub mod import;
pub mod input;
pub mod number;
pub mod order;
pub mod search;
pub mod status;
pub mod suggest;
pub mod timeline;
pub mod totals;

pub use approval::{Condition, Facts, Level, Rule};
pub use input::{CheckedOrder, OrderInput};
pub use number::OrderNumber;
pub use order::{
    ApprovalTask, OrderDetail, OrderExport, OrderFilter, OrderItem, OrderPage, OrderPreview,
    OrderRow,
};
pub use search::OrderSearch;
pub use status::{ExtraKind, OrderStatus, PaymentMethod, PaymentType};
pub use totals::{Discount, Totals};
