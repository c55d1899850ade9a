//! What `.docx` and `.xlsx` share: a zip package read within limits, and an
//! XML event reader that refuses what a hostile file could abuse.
//!
//! A package is untrusted input. The sizes in a zip's headers are claims, so
//! every part is unpacked through a counter and refused the moment the
//! running total passes [`Limits::max_unpacked`]; the XML reader refuses a
//! DTD (so no entity can expand or point outside the file), refuses entities
//! other than the five predefined ones and character references, and bounds
//! element nesting. Every failure names the part it happened in.

use crate::domain::Invalid;
use crate::error::Error;
use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

/// A file that could not be read or written as the format it claims.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{detail}", part.as_ref().map(|p| format!("{p}: ")).unwrap_or_default())]
pub struct FormatError {
    /// The format, for messages: "Word file", "Excel file".
    pub format: &'static str,
    /// The part of the package, e.g. `word/document.xml`, when one is to blame.
    pub part: Option<String>,
    /// What is wrong.
    pub detail: String,
}

impl FormatError {
    /// An error in one part of a package.
    pub fn part(format: &'static str, part: &str, detail: impl Into<String>) -> FormatError {
        FormatError {
            format,
            part: Some(part.to_string()),
            detail: detail.into(),
        }
    }

    /// An error about the file as a whole.
    pub fn whole(format: &'static str, detail: impl Into<String>) -> FormatError {
        FormatError {
            format,
            part: None,
            detail: detail.into(),
        }
    }

    /// The library's error for this failure in the file the user named
    /// `path`: "invalid Word file 'annex.docx': word/document.xml: …".
    pub fn for_file(self, path: &str) -> Error {
        Error::Invalid(Invalid::new(self.format, path, self.to_string()))
    }
}

impl From<FormatError> for Error {
    fn from(e: FormatError) -> Error {
        Error::Invalid(Invalid::new(
            e.format,
            e.part.as_deref().unwrap_or("(whole file)"),
            e.detail,
        ))
    }
}

/// Bounds on what reading one file may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes all parts read from one package may unpack to, together.
    pub max_unpacked: u64,
    /// Deepest element nesting accepted in any XML part.
    pub max_depth: usize,
    /// Most entries a package may list.
    pub max_entries: usize,
}

impl Default for Limits {
    /// 64 MiB unpacked, nesting 256 deep, 10,000 entries: far above any real
    /// annex, far below what hurts the machine.
    fn default() -> Limits {
        Limits {
            max_unpacked: 64 * 1024 * 1024,
            max_depth: 256,
            max_entries: 10_000,
        }
    }
}

/// A zip package opened for reading within [`Limits`].
pub(crate) struct Package<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    /// Lower-cased part name (without a leading `/`) to the name in the zip:
    /// OPC part names compare without regard to case.
    names: BTreeMap<String, String>,
    remaining: u64,
    limits: Limits,
    format: &'static str,
}

impl std::fmt::Debug for Package<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Package")
            .field("format", &self.format)
            .field("parts", &self.names.len())
            .field("remaining", &self.remaining)
            .finish()
    }
}

/// True when the bytes start like a zip file (a local file header, or the
/// end record of an empty archive).
pub(crate) fn has_zip_magic(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

impl<'a> Package<'a> {
    /// Opens a package; `format` names it in messages ("Word file").
    pub(crate) fn open(
        bytes: &'a [u8],
        format: &'static str,
        limits: Limits,
    ) -> Result<Package<'a>, FormatError> {
        if !has_zip_magic(bytes) {
            return Err(FormatError::whole(
                format,
                "not a zip package (a .docx or .xlsx file is a zip archive; \
                 this file does not start like one)",
            ));
        }
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            FormatError::whole(format, format!("the zip archive cannot be read: {e}"))
        })?;
        if zip.len() > limits.max_entries {
            return Err(FormatError::whole(
                format,
                format!(
                    "the archive lists {} entries; at most {} are accepted",
                    zip.len(),
                    limits.max_entries
                ),
            ));
        }
        let mut names = BTreeMap::new();
        for name in zip.file_names() {
            let name = name.map_err(|e| {
                FormatError::whole(format, format!("an entry name cannot be read: {e}"))
            })?;
            names.insert(
                name.trim_start_matches('/').to_lowercase(),
                name.to_string(),
            );
        }
        Ok(Package {
            zip,
            names,
            remaining: limits.max_unpacked,
            limits,
            format,
        })
    }

    /// The limits this package is read under.
    pub(crate) fn limits(&self) -> Limits {
        self.limits
    }

    /// The format name used in messages.
    pub(crate) fn format(&self) -> &'static str {
        self.format
    }

    /// True when the package holds the part (case-insensitive).
    pub(crate) fn has(&self, part: &str) -> bool {
        self.names
            .contains_key(&part.trim_start_matches('/').to_lowercase())
    }

    /// The part's bytes, or `None` when the package has no such part.
    /// Unpacking stops as soon as the package's budget is spent, whatever the
    /// zip's headers claim.
    pub(crate) fn read_bytes(&mut self, part: &str) -> Result<Option<Vec<u8>>, FormatError> {
        let Some(name) = self
            .names
            .get(&part.trim_start_matches('/').to_lowercase())
            .cloned()
        else {
            return Ok(None);
        };
        let format = self.format;
        let entry = self
            .zip
            .by_name(&name)
            .map_err(|e| FormatError::part(format, &name, format!("cannot be opened: {e}")))?;
        let mut out = Vec::new();
        let read = entry
            .take(self.remaining.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| FormatError::part(format, &name, format!("cannot be unpacked: {e}")))?;
        let read = read as u64;
        if read > self.remaining {
            return Err(self.over_budget(&name));
        }
        self.remaining -= read;
        Ok(Some(out))
    }

    /// The part as text (UTF-8, or UTF-16 with a byte order mark, as XML
    /// allows), or `None` when the package has no such part.
    pub(crate) fn read_text(&mut self, part: &str) -> Result<Option<String>, FormatError> {
        let Some(bytes) = self.read_bytes(part)? else {
            return Ok(None);
        };
        decode_text(&bytes)
            .map(Some)
            .map_err(|detail| FormatError::part(self.format, part, detail))
    }

    /// Unpacks every entry through the budget without keeping it: a check
    /// before the package goes to a reader that does not bound what it
    /// unpacks.
    pub(crate) fn check_all(&mut self) -> Result<(), FormatError> {
        for index in 0..self.zip.len() {
            let format = self.format;
            let entry = self.zip.by_index(index).map_err(|e| {
                FormatError::whole(format, format!("entry {index} cannot be opened: {e}"))
            })?;
            let name = entry
                .name()
                .map(|n| n.to_string())
                .unwrap_or_else(|_| format!("entry {index}"));
            let read = std::io::copy(
                &mut entry.take(self.remaining.saturating_add(1)),
                &mut std::io::sink(),
            )
            .map_err(|e| FormatError::part(format, &name, format!("cannot be unpacked: {e}")))?;
            if read > self.remaining {
                return Err(self.over_budget(&name));
            }
            self.remaining -= read;
        }
        Ok(())
    }

    fn over_budget(&self, name: &str) -> FormatError {
        FormatError::part(
            self.format,
            name,
            format!(
                "the package unpacks to more than {} MiB; refused (a real document is far \
                 smaller; this looks like a zip bomb)",
                self.limits.max_unpacked / (1024 * 1024)
            ),
        )
    }
}

/// Decodes an XML part: UTF-8 (with or without a byte order mark) or UTF-16
/// with a byte order mark. Anything else is refused, not repaired.
pub(crate) fn decode_text(bytes: &[u8]) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest);
    }
    let utf16 = |rest: &[u8], le: bool| -> Result<String, String> {
        if !rest.len().is_multiple_of(2) {
            return Err("UTF-16 text with an odd number of bytes".into());
        }
        let units = rest.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|e| format!("invalid UTF-16: {e}"))
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false);
    }
    utf8(bytes)
}

fn utf8(bytes: &[u8]) -> Result<String, String> {
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        format!(
            "not valid UTF-8 (bad byte at offset {}); the part must be UTF-8 or UTF-16 text",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The namespaces the readers tell apart; everything else is [`Ns::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    /// WordprocessingML main (transitional or strict).
    W,
    /// Office document relationships (attributes such as `r:id`).
    R,
    /// Package relationships (`.rels` parts).
    PkgRel,
    /// Package content types (`[Content_Types].xml`).
    ContentTypes,
    /// Markup compatibility (`mc:AlternateContent`).
    Mc,
    /// No namespace.
    None,
    /// Anything else.
    Other,
}

fn classify(uri: &str) -> Ns {
    match uri {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        | "http://purl.oclc.org/ooxml/wordprocessingml/main" => Ns::W,
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        | "http://purl.oclc.org/ooxml/officeDocument/relationships" => Ns::R,
        "http://schemas.openxmlformats.org/package/2006/relationships" => Ns::PkgRel,
        "http://schemas.openxmlformats.org/package/2006/content-types" => Ns::ContentTypes,
        "http://schemas.openxmlformats.org/markup-compatibility/2006" => Ns::Mc,
        _ => Ns::Other,
    }
}

/// A start tag: its namespace, local name and attributes (by local name;
/// OOXML never gives one element two attributes of the same local name that
/// we read).
#[derive(Debug, Clone)]
pub(crate) struct El {
    pub(crate) ns: Ns,
    pub(crate) name: String,
    attrs: Vec<(String, String)>,
}

impl El {
    /// True when the element is `name` in namespace `ns`.
    pub(crate) fn is(&self, ns: Ns, name: &str) -> bool {
        self.ns == ns && self.name == name
    }

    /// The value of the attribute with this local name.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One step of an XML part.
#[derive(Debug)]
pub(crate) enum Ev {
    /// A start tag (empty elements come as a start and an end).
    Start(El),
    /// An end tag.
    End,
    /// Character data, entities resolved.
    Text(String),
    /// The end of the part.
    Eof,
}

/// An XML event reader over one part.
pub(crate) struct Xml<'a> {
    reader: NsReader<&'a [u8]>,
    part: String,
    format: &'static str,
    depth: usize,
    max_depth: usize,
}

impl std::fmt::Debug for Xml<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Xml")
            .field("part", &self.part)
            .field("depth", &self.depth)
            .finish()
    }
}

impl<'a> Xml<'a> {
    /// A reader over `text`, which came from `part`.
    pub(crate) fn new(text: &'a str, part: &str, format: &'static str, limits: Limits) -> Xml<'a> {
        let mut reader = NsReader::from_str(text);
        reader.config_mut().expand_empty_elements = true;
        Xml {
            reader,
            part: part.to_string(),
            format,
            depth: 0,
            max_depth: limits.max_depth,
        }
    }

    /// The current nesting depth (0 outside the root element).
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    /// An error in this part, with the byte position reached.
    pub(crate) fn error(&self, detail: impl std::fmt::Display) -> FormatError {
        FormatError::part(
            self.format,
            &self.part,
            format!("{detail} (near byte {})", self.reader.buffer_position()),
        )
    }

    /// The next event.
    pub(crate) fn next(&mut self) -> Result<Ev, FormatError> {
        loop {
            let (ns, event) = match self.reader.read_resolved_event() {
                Ok((ns, ev)) => {
                    let ns = match ns {
                        ResolveResult::Bound(n) => classify(n.0),
                        ResolveResult::Unbound => Ns::None,
                        ResolveResult::Unknown(_) => Ns::Other,
                    };
                    (ns, ev)
                }
                Err(e) => return Err(self.error(format!("not well-formed XML: {e}"))),
            };
            match event {
                Event::Start(e) => {
                    self.depth += 1;
                    if self.depth > self.max_depth {
                        return Err(self.error(format!(
                            "elements nest more than {} deep; refused",
                            self.max_depth
                        )));
                    }
                    let mut attrs = Vec::new();
                    for a in e.attributes() {
                        let a = a.map_err(|err| self.error(format!("bad attribute: {err}")))?;
                        if a.key.as_namespace_binding().is_some() {
                            continue;
                        }
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .map_err(|err| self.error(format!("bad attribute value: {err}")))?;
                        let key: &str = a.key.local_name().into_inner();
                        attrs.push((key.to_string(), value.into_owned()));
                    }
                    let name: &str = e.local_name().into_inner();
                    return Ok(Ev::Start(El {
                        ns,
                        name: name.to_string(),
                        attrs,
                    }));
                }
                Event::Empty(_) => {
                    // expand_empty_elements turns these into Start + End.
                    return Err(self.error("unexpected empty-element event"));
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(Ev::End);
                }
                Event::Text(t) => return Ok(Ev::Text(t.xml10_content().into_owned())),
                Event::CData(t) => return Ok(Ev::Text(t.xml10_content().into_owned())),
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => match quick_xml::escape::resolve_predefined_entity(&r) {
                            Some(s) => s.to_string(),
                            None => {
                                return Err(self.error(format!(
                                    "entity &{}; is not defined (only the five XML entities \
                                     and character references are accepted)",
                                    &*r
                                )));
                            }
                        },
                        Err(e) => return Err(self.error(format!("bad character reference: {e}"))),
                    };
                    return Ok(Ev::Text(resolved));
                }
                Event::DocType(_) => {
                    return Err(self.error(
                        "has a DOCTYPE; document type definitions are refused (an Office \
                         file never has one)",
                    ));
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => continue,
                Event::Eof => {
                    if self.depth != 0 {
                        return Err(self.error("ends inside an element"));
                    }
                    return Ok(Ev::Eof);
                }
            }
        }
    }

    /// Skips to the end of the element whose start was just read.
    pub(crate) fn skip(&mut self) -> Result<(), FormatError> {
        let target = self.depth.saturating_sub(1);
        loop {
            match self.next()? {
                Ev::End if self.depth == target => return Ok(()),
                Ev::Eof => return Err(self.error("ends inside an element")),
                _ => {}
            }
        }
    }

    /// The text inside the element whose start was just read, up to its end
    /// (text of child elements included).
    pub(crate) fn text(&mut self) -> Result<String, FormatError> {
        let target = self.depth.saturating_sub(1);
        let mut out = String::new();
        loop {
            match self.next()? {
                Ev::Text(t) => out.push_str(&t),
                Ev::End if self.depth == target => return Ok(out),
                Ev::Eof => return Err(self.error("ends inside an element")),
                _ => {}
            }
        }
    }
}

/// One relationship of a `.rels` part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Relationship {
    pub(crate) id: String,
    /// The type URI's last segment (`officeDocument`, `footnotes`, …), so
    /// transitional and strict URIs compare alike.
    pub(crate) kind: String,
    /// The target as a part name (resolved against the source part).
    pub(crate) target: String,
    pub(crate) external: bool,
}

/// The `.rels` part that belongs to `part` (`word/document.xml` →
/// `word/_rels/document.xml.rels`; the package root → `_rels/.rels`).
pub(crate) fn rels_part_for(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/_rels/{name}.rels"),
        None if part.is_empty() => "_rels/.rels".to_string(),
        None => format!("_rels/{part}.rels"),
    }
}

/// Resolves a relationship target against the folder of its source part.
pub(crate) fn resolve_target(source_part: &str, target: &str) -> String {
    let mut segments: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        source_part
            .rsplit_once('/')
            .map(|(dir, _)| dir.split('/').collect())
            .unwrap_or_default()
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    segments.join("/")
}

/// Reads the relationships of `source_part` (empty when it has none).
pub(crate) fn read_relationships(
    pkg: &mut Package<'_>,
    source_part: &str,
) -> Result<Vec<Relationship>, FormatError> {
    let rels_name = rels_part_for(source_part);
    let Some(text) = pkg.read_text(&rels_name)? else {
        return Ok(Vec::new());
    };
    let mut xml = Xml::new(&text, &rels_name, pkg.format(), pkg.limits());
    let mut out = Vec::new();
    loop {
        match xml.next()? {
            Ev::Start(el) if el.is(Ns::PkgRel, "Relationship") => {
                let (Some(id), Some(kind), Some(target)) =
                    (el.attr("Id"), el.attr("Type"), el.attr("Target"))
                else {
                    return Err(xml.error("a Relationship lacks Id, Type or Target"));
                };
                let external = el.attr("TargetMode") == Some("External");
                out.push(Relationship {
                    id: id.to_string(),
                    kind: kind.rsplit('/').next().unwrap_or(kind).to_string(),
                    target: if external {
                        target.to_string()
                    } else {
                        resolve_target(source_part, target)
                    },
                    external,
                });
            }
            Ev::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// The content types a package declares: its `Override` content types and
/// `Default` ones, as one list of strings (what sniffing needs).
pub(crate) fn content_types(pkg: &mut Package<'_>) -> Result<Vec<String>, FormatError> {
    let part = "[Content_Types].xml";
    let Some(text) = pkg.read_text(part)? else {
        return Err(FormatError::whole(
            pkg.format(),
            "the zip has no [Content_Types].xml, so it is not an Office Open XML package",
        ));
    };
    let mut xml = Xml::new(&text, part, pkg.format(), pkg.limits());
    let mut out = Vec::new();
    loop {
        match xml.next()? {
            Ev::Start(el) if el.ns == Ns::ContentTypes => {
                if let Some(ct) = el.attr("ContentType") {
                    out.push(ct.to_string());
                }
            }
            Ev::Eof => return Ok(out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_format_error_is_refused_input_for_the_cli() {
        let e: Error = FormatError::part("Word file", "word/document.xml", "ends early").into();
        assert!(e.is_input());
        assert_eq!(
            e.to_string(),
            "invalid Word file 'word/document.xml': ends early"
        );
        let e = FormatError::whole("Excel file", "not a zip package").for_file("stand.xlsx");
        assert_eq!(
            e.to_string(),
            "invalid Excel file 'stand.xlsx': not a zip package"
        );
        let e = FormatError::part("Word file", "word/footnotes.xml", "bad").for_file("a.docx");
        assert_eq!(
            e.to_string(),
            "invalid Word file 'a.docx': word/footnotes.xml: bad"
        );
    }

    #[test]
    fn targets_resolve_against_the_source_folder() {
        assert_eq!(
            resolve_target("word/document.xml", "footnotes.xml"),
            "word/footnotes.xml"
        );
        assert_eq!(
            resolve_target("word/document.xml", "../customXml/item1.xml"),
            "customXml/item1.xml"
        );
        assert_eq!(resolve_target("", "word/document.xml"), "word/document.xml");
        assert_eq!(
            resolve_target("word/document.xml", "/word/styles.xml"),
            "word/styles.xml"
        );
        assert_eq!(rels_part_for(""), "_rels/.rels");
        assert_eq!(
            rels_part_for("word/document.xml"),
            "word/_rels/document.xml.rels"
        );
    }

    #[test]
    fn text_is_utf8_or_utf16_with_a_bom() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFab").unwrap(), "ab");
        assert_eq!(decode_text(b"\xFF\xFEa\0b\0").unwrap(), "ab");
        assert_eq!(decode_text(b"\xFE\xFF\0a\0b").unwrap(), "ab");
        let err = decode_text(b"ab\xFFcd").unwrap_err();
        assert!(err.contains("offset 2"), "{err}");
    }

    #[test]
    fn xml_refuses_doctype_unknown_entities_and_deep_nesting() {
        let limits = Limits {
            max_depth: 4,
            ..Limits::default()
        };
        let drain = |s: &str| -> Result<(), FormatError> {
            let mut x = Xml::new(s, "p.xml", "test", limits);
            while !matches!(x.next()?, Ev::Eof) {}
            Ok(())
        };
        let e = drain("<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>")
            .unwrap_err();
        assert!(e.to_string().starts_with("p.xml: has a DOCTYPE"), "{e}");
        let e = drain("<a>&x;</a>").unwrap_err();
        assert!(e.to_string().contains("entity &x; is not defined"), "{e}");
        let e = drain("<a><a><a><a><a/></a></a></a></a>").unwrap_err();
        assert!(e.to_string().contains("nest more than 4 deep"), "{e}");
        drain("<a><a><a><a/></a></a></a>").unwrap();
        let e = drain("<a><b></a>").unwrap_err();
        assert!(e.to_string().contains("not well-formed"), "{e}");
        let e = drain("<a>").unwrap_err();
        assert!(e.to_string().starts_with("p.xml:"), "{e}");
    }

    #[test]
    fn entities_and_character_references_resolve() {
        let mut x = Xml::new(
            "<a>x&amp;y&#x41;&#66;</a>",
            "p.xml",
            "test",
            Limits::default(),
        );
        let Ev::Start(_) = x.next().unwrap() else {
            panic!()
        };
        assert_eq!(x.text().unwrap(), "x&yAB");
    }
}
