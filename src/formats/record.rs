//! stub
use super::{Anomaly, ImportRow};
use crate::domain::{Legend, Ministries};
/// stub
pub fn looks_like_record(_text: &str) -> bool {
    false
}
/// stub
pub fn read(_t: &str, _legend: &Legend, _m: &Ministries) -> (Vec<ImportRow>, Vec<Anomaly>) {
    (Vec::new(), Vec::new())
}
