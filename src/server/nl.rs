//! Refusals as the web pages say them: in Dutch, as the rest of the page,
//! with the facts the library's English message carries (the key, the
//! status, the seq, what would be accepted). The API and the command line
//! keep the English text; only the pages use this.
//!
//! Every refusal and every rejected field a web form can produce has its
//! sentence here. Anything else (a refusal only the command line meets,
//! or a field message this module does not recognise) falls back to the
//! library's English text rather than to a wrong Dutch one.

use crate::domain::Invalid;
use crate::domain::date::{MAX_YEAR, MIN_YEAR};
use crate::error::{Error, Refusal};

/// The error as a page shows it.
pub(super) fn error(e: &Error) -> String {
    let dutch = match e {
        Error::Refused(r) => refusal(r),
        Error::Invalid(i) => invalid(i),
        _ => None,
    };
    dutch.unwrap_or_else(|| e.to_string())
}

fn list(v: &[String]) -> String {
    v.join(", ")
}

/// The form's name for a kind of event, as a correction names it.
fn event_kind(kind: &str) -> &str {
    match kind {
        "registration" => "registratie",
        "status change" => "statuswijziging",
        "assignment" => "toewijzing",
        "progress note" => "voortgangsnotitie",
        "amendment" => "wijziging",
        "ledger created" => "aanmaak van het grootboek",
        "round sealed" | "round sealed v2" => "verzegeling van een ronde",
        "corrected" => "correctie",
        "key registered" => "registratie van een sleutel",
        "account created" => "aanmaak van een account",
        "account changed" => "wijziging van een account",
        "items ordered" => "volgorde van de items",
        "round signed" => "ondertekening van een ronde",
        other => other,
    }
}

/// The correction form's field for a replacement flag.
fn replacement_field(flag: &str) -> &str {
    match flag {
        "--status" => "Juiste status",
        "--responsible" => "Juiste verantwoordelijken",
        "--note" => "Juiste tekst",
        "--effective" => "Juiste ingangsdatum",
        other => other,
    }
}

fn refusal(r: &Refusal) -> Option<String> {
    use Refusal as R;
    Some(match r {
        R::NotAllowed { nl, .. } => nl.clone(),
        R::AccountDisabled { account } => format!(
            "Account '{account}' is uitgeschakeld en mag niets; een beheerder kan het weer inschakelen."
        ),
        R::UnknownRound { name, known, .. } => format!(
            "Er is geen ronde '{name}'. {}",
            if known.is_empty() {
                "Er is nog geen ronde verzegeld.".to_string()
            } else {
                format!("Verzegelde rondes: {}.", list(known))
            }
        ),
        R::EffectiveTooLate {
            day,
            today,
            max_days,
            latest,
        } => format!(
            "Ingangsdatum {day} ligt meer dan {max_days} dagen na vandaag ({today}). Geef de dag waarop de wijziging ingaat, uiterlijk {latest}."
        ),
        R::StatusNotInLegend { slug, valid } if valid.is_empty() => {
            format!("Status '{slug}' staat niet in de legenda van dit grootboek.")
        }
        R::StatusNotInLegend { slug, valid } => format!(
            "Status '{slug}' staat niet in de legenda van dit grootboek. Kies een van: {}.",
            list(valid)
        ),
        R::TooManyListed {
            citations,
            submitters,
        } => format!(
            "Per gebeurtenis zijn ten hoogste {citations} kamerstukken en {submitters} indieners toegestaan."
        ),
        R::DuplicateKey { key, kind, existing } => format!(
            "Sleutel '{key}' is al in gebruik voor {kind} {existing}. Kies een andere sleutel."
        ),
        R::NoFreeKey => "Er is geen vrije sleutel meer; geef zelf een sleutel.".to_string(),
        R::UnknownItemId { id } => format!("Er is geen item met id {id}."),
        R::UnknownItem { input, suggestions } => format!(
            "Er is geen item met sleutel of id-begin '{input}'.{} Het overzicht toont alle items.",
            if suggestions.is_empty() {
                String::new()
            } else {
                format!(" Wellicht: {}.", list(suggestions))
            }
        ),
        R::AmbiguousItem {
            input,
            count,
            examples,
        } => format!(
            "Id-begin '{input}' past bij {count} items, bijvoorbeeld {}. Geef meer tekens of de sleutel van het item.",
            list(examples)
        ),
        R::ItemWithdrawn {
            key,
            registered_seq,
        } => format!(
            "Item {key} is ingetrokken: de registratie (seq {registered_seq}) is teruggenomen. Corrigeer die intrekking om het item terug te halen."
        ),
        R::StatusUnchanged {
            key,
            status,
            label,
            effective,
        } => format!(
            "Item {key} heeft op {effective} al status {status} (\"{label}\"); er is niets vast te leggen."
        ),
        R::NotStatedOverStatus {
            key,
            status,
            effective,
        } => format!(
            "Item {key} heeft op {effective} status {status}. 'niet-vermeld' noemt geen status en vervangt er dus geen; een status die ten onrechte is vastgelegd, wordt met een correctie ingetrokken."
        ),
        R::AssignmentUnchanged {
            key,
            responsible,
            effective,
        } => format!(
            "Item {key} is op {effective} al toegewezen aan {responsible}; er is niets vast te leggen."
        ),
        R::NoteUnchanged {
            key,
            seq,
            effective,
        } => format!(
            "De laatste voortgangsnotitie van item {key} (seq {seq}, ingangsdatum {effective}) zegt dit al; er is niets vast te leggen. Om het op een andere dag opnieuw te zeggen, geef die dag als ingangsdatum."
        ),
        R::NoResponsible => "Geef ten minste één verantwoordelijke code.".to_string(),
        R::EmptyNote => "Een voortgangsnotitie heeft tekst nodig.".to_string(),
        R::EmptyReplacementNote => "De juiste tekst van een notitie mag niet leeg zijn.".to_string(),
        R::AmendmentChangesNothing { key } => format!(
            "De wijziging verandert niets aan item {key}. Geef een nieuwe tekst."
        ),
        R::DetailsUnchanged { key } => {
            format!("Item {key} heeft deze gegevens al; er is niets vast te leggen.")
        }
        R::RoundExists { name, seq, digest } => format!(
            "Ronde '{name}' is al verzegeld op seq {seq} (digest {}). Een rondenaam komt maar één keer voor.",
            digest.short()
        ),
        R::SealNotAtHead => {
            "De verzegeling noemt niet de laatste gebeurtenis; probeer het opnieuw.".to_string()
        }
        R::UnknownSeq { seq, last } => format!(
            "Er is geen gebeurtenis met seq {seq} (de laatste is seq {last})."
        ),
        R::UnknownEventId { prefix } => {
            format!("Geen gebeurtenis heeft een id dat begint met '{prefix}'.")
        }
        R::AmbiguousEventId { prefix, seqs } => format!(
            "Id-begin '{prefix}' past bij {} gebeurtenissen (seq {}). Geef meer tekens of het seq.",
            seqs.len(),
            seqs.iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        R::NotCorrectable { seq, kind } => format!(
            "Seq {seq} is een {}, en die kan niet gecorrigeerd worden (alleen gebeurtenissen van items kunnen dat).",
            event_kind(kind)
        ),
        R::NotAnEventOfItem { seq, key } => {
            format!("Seq {seq} is geen gebeurtenis van item {key}.")
        }
        R::EventIdMismatch { seq, stored, given } => {
            format!("Seq {seq} heeft id {stored}, niet {given}.")
        }
        R::CorrectionNeedsReason => "Een correctie heeft een reden nodig.".to_string(),
        R::CorrectionSuperseded { seq, key } => format!(
            "Correctie seq {seq} geldt niet meer (ze is zelf gecorrigeerd). Corrigeer de laatste correctie; de pagina van item {key} toont die."
        ),
        R::RetractWithReplacement => {
            "Intrekken neemt de gebeurtenis terug; geef dan geen juiste waarden erbij.".to_string()
        }
        R::NoReplacement => {
            "Geef een juiste waarde (status, verantwoordelijken, tekst of ingangsdatum), of trek de gebeurtenis in.".to_string()
        }
        R::NotReplaceable { what, kind, root } => format!(
            "{} vervangt niets in een {} (seq {root}). Gebruik {}.",
            replacement_field(what),
            event_kind(kind),
            match kind.as_str() {
                "registration" => "juiste status, verantwoordelijken of ingangsdatum, of trek in",
                "status change" => "juiste status of ingangsdatum, of trek in",
                "assignment" => "juiste verantwoordelijken of ingangsdatum, of trek in",
                "progress note" => "juiste tekst of ingangsdatum, of trek in",
                _ => "intrekken (of wijzig het item opnieuw)",
            }
        ),
        R::AlreadyRetracted { root } => format!("Seq {root} is al ingetrokken."),
        R::CorrectionChangesNothing { root } => format!(
            "De correctie verandert niets: seq {root} heeft deze waarden al."
        ),
        R::DetailsNotCorrectable { seq } => format!(
            "Seq {seq} legt de gegevens van een item vast; een correctie vervangt die niet. Leg de juiste gegevens opnieuw vast."
        ),
        R::EventTooLarge { bytes, limit } => format!(
            "De gebeurtenis is {bytes} bytes, meer dan de grens van {limit} bytes; maak de teksten korter."
        ),
        R::NothingToAppend => "Er is niets vast te leggen.".to_string(),
        R::StaleBatch => {
            "Het grootboek is intussen gewijzigd; probeer het opnieuw.".to_string()
        }
        R::AccountExists { account } => {
            format!("Account '{account}' bestaat al; wijzig het hieronder.")
        }
        R::UnknownAccount { account } => format!("Er is geen account '{account}'."),
        R::AccountUnchanged { account } => format!(
            "Account '{account}' heeft dit al; er is niets vast te leggen."
        ),
        _ => return None,
    })
}

/// The form's label for a field the library names.
fn field(what: &str) -> Option<&'static str> {
    Some(match what {
        "effective" => "Ingangsdatum",
        "reported_on" => "Gerapporteerd op",
        "reason" => "Reden",
        "note text" | "text" => "Tekst",
        "note" => "Juiste tekst",
        "responsible" => "Verantwoordelijk",
        "status" => "Status",
        "kind" => "Soort",
        "key" => "Sleutel",
        "--ref" | "--ref-raw" | "citations" => "Kamerstukken",
        "title" => "Titel",
        "round name" => "Naam",
        "account name" => "Accountnaam",
        "display name" => "Naam",
        "role" => "Rol",
        "ministry" => "Ministerie",
        "EVENT" => "Gebeurtenis",
        _ => return None,
    })
}

/// The number after `prefix` in `s`, up to the next non-digit.
fn number_after<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = &s[s.find(prefix)? + prefix.len()..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// A number of citations, in words.
fn citations(n: &str) -> String {
    if n == "1" {
        "1 kamerstuk".to_string()
    } else {
        format!("{n} kamerstukken")
    }
}

/// What a field accepts, in Dutch, from the library's English account of
/// it; `None` for an account this does not recognise.
fn expected(what: &str, e: &str) -> Option<String> {
    let code_point = || e.split_whitespace().find(|w| w.starts_with("U+"));
    Some(match e {
        "text must not be empty" => "het mag niet leeg zijn".to_string(),
        _ if e.starts_with("at most ") && e.contains(" bytes are accepted, this is ") => format!(
            "ten hoogste {} bytes zijn toegestaan, dit zijn er {}",
            number_after(e, "at most ")?,
            number_after(e, "this is ")?
        ),
        _ if e.starts_with("control character U+") => format!(
            "stuurteken {} is niet toegestaan{}",
            code_point()?,
            if e.contains("only newline and tab") {
                " (alleen regeleinde en tab wel)"
            } else {
                ""
            }
        ),
        _ if e.starts_with("U+") && e.contains("and is not accepted here") => format!(
            "{} is {}, en is hier niet toegestaan{}",
            code_point()?,
            if e.contains("a bidirectional control") {
                "een teken dat de leesrichting omkeert, zodat de tekst eromheen anders wordt getoond"
            } else if e.contains("a tag character") {
                "een tagteken, dat niets toont en tekst kan verbergen"
            } else if e.contains("a line break") {
                "een regeleinde"
            } else if e.contains("an invisible character") {
                "een onzichtbaar teken, waardoor de tekst anders is dan ze lijkt"
            } else {
                return None;
            },
            if e.contains("visible characters only") {
                " (namen, titels en kamerstukken bestaan alleen uit zichtbare tekens)"
            } else {
                ""
            }
        ),
        _ if e.starts_with("a date YYYY-MM-DD") => format!(
            "geef een datum JJJJ-MM-DD tussen {MIN_YEAR}-01-01 en {MAX_YEAR}-12-31, bijvoorbeeld 2024-03-01"
        ),
        _ if what == "status" && e.contains("one of: ") => {
            let (hint, valid) = e.split_once("one of: ")?;
            let close = hint
                .strip_prefix("did you mean ")
                .and_then(|h| h.strip_suffix("? Accepted: "));
            format!(
                "{}kies een van: {valid}",
                close
                    .map(|c| format!("bedoeld is misschien {}; ", c.replace(" or ", " of ")))
                    .unwrap_or_default()
            )
        }
        "that day does not exist in the calendar" => "die dag bestaat niet".to_string(),
        _ if what == "responsible" && e.starts_with("one or more codes") => {
            "geef een of meer codes van een rolletter (M = minister, S = staatssecretaris) en een portefeuille, verbonden met 'en', bijvoorbeeld SOCW of 'MOCW en SOCW'".to_string()
        }
        _ if what == "responsible" && e.ends_with(" codes are accepted") => format!(
            "ten hoogste {} codes zijn toegestaan",
            number_after(e, "at most ")?
        ),
        _ if what == "kind" && e.starts_with("one of: motie, toezegging") => {
            "kies motie of toezegging".to_string()
        }
        _ if matches!(what, "key" | "round name") && e.contains(" characters from A-Z a-z 0-9 - _ .") => {
            format!(
                "1 tot {} tekens (letters A-Z a-z, cijfers, - _ .), beginnend met een letter of cijfer, bijvoorbeeld {}",
                number_after(e, "1 to ")?,
                if what == "key" { "34843-79 of M3" } else { "2025-voorjaar" }
            )
        }
        _ if what == "account name" && e.starts_with("2 to 64 characters") => {
            "2 tot 64 tekens (kleine letters a-z, cijfers, . _ -), beginnend met een letter, bijvoorbeeld j.devries"
                .to_string()
        }
        _ if what == "account name" && e.starts_with("a name no event was recorded under") => {
            format!(
                "seq {} is vastgelegd onder deze naam toen het grootboek nog geen accounts had; met een account van die naam zou het lijken of dat account het deed. Kies een andere naam",
                number_after(e, "seq ")?
            )
        }
        "beheerder, coordinator, medewerker or auditor" => {
            "kies beheerder, coordinator, medewerker of auditor".to_string()
        }
        _ if what == "ministry" && e.starts_with("a portfolio as in a responsible code") => {
            "geef een portefeuille zoals in een verantwoordelijke code, in de gebruikelijke spelling, bijvoorbeeld OCW of JenV".to_string()
        }
        _ if what == "EVENT" => {
            "geef een seq (bijvoorbeeld 42) of ten minste 8 hexadecimale tekens van het id van een gebeurtenis".to_string()
        }
        _ if what == "text" && e.contains("footnote marker") => format!(
            "voetnootteken {} vraagt {} en het item heeft er {}; geef de kamerstukken erbij, of laat het teken weg",
            e.split_whitespace()
                .skip_while(|w| *w != "marker")
                .nth(1)?,
            citations(number_after(e, " needs ")?),
            number_after(e, " the item has ")?
        ),
        _ if what == "citations" && e.contains("footnote marker") => format!(
            "ten minste {}, want de tekst van het item heeft voetnootteken {}; geef ook de gewijzigde tekst om tekens weg te laten of te hernummeren",
            citations(number_after(e, "at least ")?),
            e.split_whitespace()
                .skip_while(|w| *w != "marker")
                .nth(1)?
                .trim_end_matches([';', ','])
        ),
        _ => return None,
    })
}

fn invalid(i: &Invalid) -> Option<String> {
    // Fields whose refusal names no form field of its own.
    match (i.what.as_str(), i.expected.as_str()) {
        ("amend", _) => return Some("Geef een nieuwe tekst om het item te wijzigen.".to_string()),
        ("retract", _) => {
            return Some(
                "Trek de gebeurtenis in, of geef juiste waarden, niet allebei.".to_string(),
            );
        }
        ("role" | "disabled", e) if e.starts_with("a change that leaves an enabled beheerder") => {
            let account = e.split(": ").nth(1)?.split(' ').next()?;
            return Some(format!(
                "Deze wijziging laat geen ingeschakelde beheerder over: {account} is de enige. Maak eerst een ander account beheerder."
            ));
        }
        ("peildatum" | "ronde" | "geldend", e) => {
            return Some(format!("Ongeldige {} '{}': {e}.", i.what, i.value));
        }
        _ => {}
    }
    let label = field(&i.what)?;
    let why = expected(&i.what, &i.expected)?;
    Some(if i.value.trim().is_empty() {
        format!("Het veld {label} is ongeldig: {why}.")
    } else {
        format!("Het veld {label} ('{}') is ongeldig: {why}.", i.value)
    })
}
