//! REST under `/api/v1`: the public booking's slots and bookings, and the desk's
//! appointments and capacity.
