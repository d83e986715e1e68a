//! The after-sales pages: the public booking (在线预约) and the staff's service desk.
