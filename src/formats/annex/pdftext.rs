//! stub
use super::AnnexDoc;
use crate::domain::{Legend, Ministries};
/// stub
pub fn looks_like_pdftext(_text: &str) -> bool {
    false
}
/// stub
pub fn parse(text: &str, legend: &Legend, _m: &Ministries) -> AnnexDoc {
    super::parse(text, legend)
}
