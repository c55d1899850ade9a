//! What `kamerstand verify` prints for people: the chain's verdict, the
//! break and what was found there, a published digest's check, the index
//! and Merkle tree, and a signed note's check — in Dutch by default, in
//! English with `--lang en`.
//!
//! Every word comes from one table per language: `Nl` and `En`, each
//! the whole of its language (the `Words` trait makes sure neither lacks
//! a sentence). The English of what the chain check finds is the findings'
//! own `Display` (`crate::ledger::findings`, also the JSON's `detail`), so
//! `--lang en` prints what the JSON says. Hashes, seq numbers, round and
//! key names, tree names and flags are printed as they are: an auditor
//! looks them up. The JSON (`super::verify`) does not change with the
//! language.

use super::letter::Lang;
use super::v;
use crate::domain::{EventHash, KeyRole};
use crate::formats::note::{NoteError, NoteFault};
use crate::ledger::findings::{DigestFinding, DigestIs, Finding, IndexFinding};
use crate::ledger::index::{IndexDifference, IndexReport, Trace};
use crate::ledger::{Break, BreakKind, VerifyReport};

/// How a published digest's check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestResult {
    /// Where it should be.
    Found,
    /// In the ledger, but not where the check said to look.
    NotConfirmed,
    /// Not in the ledger.
    NotFound,
}

/// A note that holds, as the summary says it.
#[derive(Debug, Clone)]
pub struct NoteHolds<'a> {
    /// The events the note covers.
    pub events: u64,
    /// Their Merkle root.
    pub root: EventHash,
    /// The round sealed right after them, if any.
    pub round: Option<&'a str>,
    /// The keys whose signatures verified, with their roles.
    pub signed_by: Vec<(&'a str, KeyRole)>,
    /// Events the ledger holds after the note's.
    pub after: u64,
}

/// The words of the summary in one language. Each method is one line or
/// part of one; stored text (item keys, round and key names) reaches them
/// as stored and is made visible by the caller.
trait Words {
    /// The chain holds: `events`, `seals` and the head.
    fn intact(&self, events: u64, seals: u64, head: Option<EventHash>) -> String;
    /// The first line of a break, without its finding.
    fn broken(&self, seq: u64, kind: &str, item: Option<&str>) -> String;
    /// How many events passed before the break, and the last good hash.
    fn passed(&self, events: u64, last_good: Option<EventHash>) -> String;
    /// A kind of break, in a few words.
    fn kind(&self, k: BreakKind) -> &'static str;
    /// What was found at a break.
    fn finding(&self, f: &Finding) -> String;
    /// The start of a digest's line: the digest and the result.
    fn digest(&self, short: &str, r: DigestResult) -> String;
    /// What a digest's check found.
    fn digest_finding(&self, f: &DigestFinding) -> String;
    /// The index and tree match the events.
    fn index_ok(&self, entries: u64, rebuilt: bool) -> String;
    /// Trees of the index not compared: not built yet in this store.
    fn not_compared(&self, trees: &str) -> String;
    /// The start of an index difference's line: where it is.
    fn index_bad(&self, tree: &str, item: Option<String>, seq: Option<u64>) -> String;
    /// What an index difference is.
    fn index_finding(&self, f: &IndexFinding) -> String;
    /// What happens about an index difference.
    fn index_fate(&self, rebuilt: bool) -> &'static str;
    /// The index names seq `named`, after the chain's last event `head`;
    /// `rebuilt` over it (`--discard-trace`) or not.
    fn index_after_head(&self, named: Trace, head: Option<u64>, rebuilt: bool) -> String;
    /// What happens about an index difference when the index names events
    /// after the chain's last: nothing.
    fn index_held(&self) -> &'static str;
    /// A note that holds.
    fn note_holds(&self, n: &NoteHolds<'_>) -> String;
    /// A note that does not hold: the line's start.
    fn note_failed(&self) -> &'static str;
    /// Why a note does not hold.
    fn note_fault(&self, f: &NoteFault) -> String;
}

/// Dutch.
struct Nl;

/// English.
struct En;

fn words(lang: Lang) -> &'static dyn Words {
    match lang {
        Lang::Nl => &Nl,
        Lang::En => &En,
    }
}

fn events_nl(n: u64) -> String {
    format!(
        "{n} {}",
        if n == 1 {
            "gebeurtenis"
        } else {
            "gebeurtenissen"
        }
    )
}

fn role_nl(r: KeyRole) -> &'static str {
    match r {
        KeyRole::Signer => "ondertekenaar",
        KeyRole::Witness => "getuige",
    }
}

impl Words for Nl {
    fn intact(&self, events: u64, seals: u64, head: Option<EventHash>) -> String {
        format!(
            "in orde: {} gecontroleerd ({seals} {}), laatste hash {}\n",
            events_nl(events),
            if seals == 1 {
                "rondezegel"
            } else {
                "rondezegels"
            },
            head.map_or("(geen)".into(), |h| h.hex())
        )
    }

    fn broken(&self, seq: u64, kind: &str, item: Option<&str>) -> String {
        format!(
            "GEBROKEN bij gebeurtenis {seq}: {kind}{}",
            item.map(|i| format!(" (item {i})")).unwrap_or_default()
        )
    }

    fn passed(&self, events: u64, last_good: Option<EventHash>) -> String {
        format!(
            "{} doorstond{} de ketencontrole{}\n",
            events_nl(events),
            if events == 1 { "" } else { "en" },
            last_good
                .map(|h| format!(", laatste goede hash {}", h.hex()))
                .unwrap_or_default()
        )
    }

    fn kind(&self, k: BreakKind) -> &'static str {
        match k {
            BreakKind::ContentAltered => "inhoud gewijzigd",
            BreakKind::Undecodable => "onleesbare gebeurtenis",
            BreakKind::LinkBroken => "schakel verbroken",
            BreakKind::EventMissing => "gebeurtenis ontbreekt",
            BreakKind::OutOfOrder => "volgorde verstoord",
            BreakKind::IndexMismatch => "itemindex wijkt af",
            BreakKind::HeadMismatch => "kop van de keten wijkt af",
            BreakKind::SealMismatch => "zegel klopt niet",
            BreakKind::BadReference => "onjuiste verwijzing",
            BreakKind::BadSignature => "ongeldige handtekening",
            BreakKind::RuleBroken => "regel overtreden",
        }
    }

    fn finding(&self, f: &Finding) -> String {
        use Finding as F;
        match f {
            F::Repeated { seq, next } => format!(
                "gebeurtenis {seq} komt opnieuw voor waar gebeurtenis {next} hoort (een dubbele of verplaatste gebeurtenis)"
            ),
            F::Gap { next, found } => format!(
                "er is geen gebeurtenis {next} opgeslagen; de volgende opgeslagen gebeurtenis is {found}"
            ),
            F::HashDiffers { computed, stored } => format!(
                "de opgeslagen bytes geven hash {}, maar de opgeslagen hash is {}",
                computed.hex(),
                stored.hex()
            ),
            F::StoredRecord { what } => {
                format!("het opgeslagen record is onleesbaar (melding van de opslag: {what})")
            }
            F::Undecodable { reason } => format!(
                "de bytes kloppen met hun hash maar zijn geen leesbare gebeurtenis (melding van de decoder: {reason})"
            ),
            F::WrongSeq { seq, says } => format!(
                "de gebeurtenis die als nummer {seq} is opgeslagen, noemt zichzelf gebeurtenis {says}"
            ),
            F::Link { seq, prev, before } => format!(
                "de verwijzing naar de vorige gebeurtenis is {}, maar de vorige gebeurtenis heeft hash {}{}",
                prev.short(),
                before.short(),
                if *seq > 0 {
                    format!(
                        " (gebeurtenis {} of deze gebeurtenis is herschreven)",
                        seq - 1
                    )
                } else {
                    String::new()
                }
            ),
            F::TimeBack { at, before } => {
                format!("vastgelegd op {at}, eerder dan de vorige gebeurtenis ({before})")
            }
            F::Creation { kind, seq } => format!(
                "een gebeurtenis van de soort {kind} als gebeurtenis {seq}: ledger_created moet de eerste gebeurtenis zijn, en alleen de eerste"
            ),
            F::SealAgain { name, first, at } => format!(
                "ronde '{name}' is al verzegeld als '{first}' bij gebeurtenis {at}; elke rondenaam komt maar één keer voor"
            ),
            F::SealHead {
                name,
                head_seq,
                head_hash,
                before_seq,
                before_hash,
            } => format!(
                "ronde '{name}' noemt als laatste gebeurtenis {head_seq} ({}), maar de gebeurtenis ervoor is {before_seq} ({})",
                head_hash.short(),
                before_hash.short()
            ),
            F::SealTree {
                name,
                size,
                root,
                seq,
                computed,
            } => format!(
                "ronde '{name}' noemt een Merkle-boom van {} met wortel {}, maar de {} ervoor geven wortel {}",
                events_nl(*size),
                root.short(),
                events_nl(*seq),
                computed.short()
            ),
            F::Signature { round, key } => format!(
                "de handtekening onder ronde '{round}' met sleutel '{key}' klopt niet bij het controlepunt van de ronde en de sleutel die onder die naam is geregistreerd"
            ),
            F::CorrectionItem {
                target_seq,
                named,
                actual,
            } => format!(
                "de correctie zegt dat gebeurtenis {target_seq} over item {} gaat, maar {}",
                named.hex(),
                actual.map_or(
                    "die gebeurtenis gaat over geen enkel item".to_string(),
                    |i| { format!("zij gaat over {}", i.hex()) }
                )
            ),
            F::CorrectionTarget {
                target_seq,
                target_id,
                actual,
            } => format!(
                "de correctie noemt gebeurtenis {target_seq} met id {}, maar {}",
                target_id.hex(),
                actual.map_or("zo'n eerdere gebeurtenis bestaat niet".to_string(), |i| {
                    format!("die gebeurtenis heeft id {}", i.hex())
                })
            ),
            F::IdAgain { id, first } => format!(
                "haar id {} is ook het id{}; elke gebeurtenis heeft een eigen id",
                id.hex(),
                first.map_or(String::new(), |s| format!(" van gebeurtenis {s}"))
            ),
            F::KeyAgain { key, existing, at } => format!(
                "zij registreert sleutel '{key}', die item {existing} al heeft (geregistreerd bij gebeurtenis {at}); een sleutel hoort bij één item (hoofdletters tellen niet)"
            ),
            F::RoundName { what } => {
                format!("de naam van de ronde is ongeldig (melding: {what})")
            }
            F::NoSuchItem { kind, item } => format!(
                "een gebeurtenis {kind} over item {}, maar geen eerdere gebeurtenis registreert een item met dat id",
                item.hex()
            ),
            F::Refused { what } => format!(
                "het register zou haar bij het vastleggen hebben geweigerd (melding: {what})"
            ),
            F::HeadPastEnd {
                head_seq,
                head_hash,
                at,
                last,
            } => format!(
                "de kop van de keten noemt gebeurtenis {head_seq} ({}), maar er is geen gebeurtenis {at} opgeslagen{}",
                head_hash.short(),
                last.map(|l| format!("; de laatste opgeslagen gebeurtenis is {l}"))
                    .unwrap_or_default()
            ),
            F::HeadBehind {
                head_seq,
                head_hash,
                last,
            } => format!(
                "de kop van de keten noemt gebeurtenis {head_seq} ({}), maar de laatste gebeurtenis is {last}",
                head_hash.short()
            ),
            F::HeadTime { head, last } => format!(
                "de kop van de keten draagt vastlegtijd {head}, niet die van de laatste gebeurtenis ({})",
                last.map_or("geen".into(), |t| t.to_string())
            ),
            F::HeadHash { head, last } => format!(
                "de kop van de keten noemt hash {}, maar de laatste gebeurtenis heeft hash {}",
                head.hex(),
                last.hex()
            ),
            F::NoHead => {
                "er is geen kop van de keten opgeslagen, terwijl er wel gebeurtenissen zijn"
                    .to_string()
            }
            F::HeadUnreadable { what } => {
                format!("de kop van de keten is onleesbaar (melding van de opslag: {what})")
            }
            F::IndexOrder { item, seq, after } => format!(
                "de itemindex noemt gebeurtenis {seq} van item {} na gebeurtenis {after}, niet in de volgorde waarin ze zijn vastgelegd",
                item.hex()
            ),
            F::IndexEntry { item, seq, missing } => format!(
                "de vermelding van item {} bij gebeurtenis {seq} {} de itemindex",
                item.hex(),
                if *missing {
                    "ontbreekt in"
                } else {
                    "hoort niet in"
                }
            ),
        }
    }

    fn digest(&self, short: &str, r: DigestResult) -> String {
        format!(
            "controlewaarde {short}: {}",
            match r {
                DigestResult::Found => "GEVONDEN",
                DigestResult::NotConfirmed => "NIET BEVESTIGD",
                DigestResult::NotFound => "NIET GEVONDEN",
            }
        )
    }

    fn digest_finding(&self, f: &DigestFinding) -> String {
        use DigestFinding as D;
        match f {
            D::Sealed { round, seq } => {
                format!("ronde '{round}' is verzegeld bij gebeurtenis {seq} met deze waarde")
            }
            D::HashOf { seq } => format!("de waarde is de hash van gebeurtenis {seq}"),
            D::OtherRound {
                other,
                at,
                round,
                seq,
            } => format!(
                "deze waarde is het zegel van ronde '{other}' (gebeurtenis {at}), niet van ronde '{round}' (verzegeld bij gebeurtenis {seq}): is zij bij {other} gepubliceerd? Controleer haar dan met --round {other}"
            ),
            D::Rewritten {
                round,
                seq,
                seal,
                published,
            } => format!(
                "ronde '{round}' is verzegeld bij gebeurtenis {seq} met controlewaarde {}, niet met de gepubliceerde {}: de geschiedenis tot aan dat zegel is herschreven (of de waarde is verkeerd overgenomen)",
                seal.hex(),
                published.hex()
            ),
            D::Absent { checked } => format!(
                "geen van de {checked} gecontroleerde gebeurtenissen heeft deze hash: het register is herschreven of ingekort nadat de waarde is gepubliceerd (of de waarde is verkeerd overgenomen)"
            ),
            D::UnknownRound {
                name,
                sealed,
                close,
                checked,
                broken,
                digest,
            } => {
                let did_you_mean = if close.is_empty() {
                    String::new()
                } else {
                    format!("; bedoelt u {}?", close.join(" of "))
                };
                let listed = if sealed.is_empty() {
                    "geen".to_string()
                } else {
                    sealed.join(", ")
                };
                let mut s = match (broken, sealed.is_empty()) {
                    (true, _) => format!(
                        "onder de {} vóór de breuk is geen ronde '{name}' verzegeld{did_you_mean} (daar verzegeld: {listed})",
                        events_nl(*checked)
                    ),
                    (false, true) => format!(
                        "in dit register is nog geen ronde verzegeld ({} gecontroleerd), dus ook geen ronde '{name}'",
                        events_nl(*checked)
                    ),
                    (false, false) => format!(
                        "er is geen ronde '{name}'{did_you_mean} (verzegelde rondes: {listed})"
                    ),
                };
                s.push_str(&match digest {
                    DigestIs::Seal { round, seq } => format!(
                        ". De waarde is het zegel van ronde '{round}' (gebeurtenis {seq}): controleer haar met --round {round}"
                    ),
                    DigestIs::Event { seq } => format!(
                        ". De waarde staat wel in het register, als hash van gebeurtenis {seq}, maar dat is geen rondezegel"
                    ),
                    DigestIs::Nowhere if *broken => {
                        ". Ook onder die gebeurtenissen staat de waarde niet: zij kan na de breuk liggen"
                            .to_string()
                    }
                    DigestIs::Nowhere => format!(
                        ". De waarde staat ook niet in het register (geen van de {checked} gecontroleerde gebeurtenissen heeft haar): het register is herschreven of ingekort nadat zij is gepubliceerd, of de waarde of de naam van de ronde is verkeerd overgenomen"
                    ),
                });
                s
            }
        }
    }

    fn not_compared(&self, trees: &str) -> String {
        format!(
            "niet vergeleken: {trees} (in deze opslag nog niet opgebouwd; de volgende opdracht die hem opent, bouwt ze op uit de gebeurtenissen)\n"
        )
    }

    fn index_ok(&self, entries: u64, rebuilt: bool) -> String {
        format!(
            "index en Merkle-boom: {entries} {} overeen met de gebeurtenissen{}\n",
            if entries == 1 {
                "vermelding komt"
            } else {
                "vermeldingen komen"
            },
            if rebuilt {
                " (opnieuw opgebouwd uit de gebeurtenissen)"
            } else {
                ""
            }
        )
    }

    fn index_bad(&self, tree: &str, item: Option<String>, seq: Option<u64>) -> String {
        format!(
            "AFWIJKENDE indexvermelding in {tree}{}{}",
            item.map(|i| format!(", item {i}")).unwrap_or_default(),
            seq.map(|s| format!(", gebeurtenis {s}"))
                .unwrap_or_default()
        )
    }

    fn index_finding(&self, f: &IndexFinding) -> String {
        use IndexFinding as I;
        match f {
            I::NeverBuilt => {
                "de index is nooit opgebouwd (of het opbouwen is onderbroken)".to_string()
            }
            I::WrittenOther { seq, index, chain } => format!(
                "de index is bijgewerkt tot gebeurtenis {seq} met hash {}, maar die gebeurtenis heeft in de keten hash {}",
                index.hex(),
                chain.hex()
            ),
            I::WrittenElsewhere { index, chain } => format!(
                "de index is bijgewerkt tot gebeurtenis {index}, maar de keten loopt tot gebeurtenis {chain}"
            ),
            I::WrittenNoHead { index } => format!(
                "de index is bijgewerkt tot gebeurtenis {index}, maar de keten heeft geen kop"
            ),
            I::Orphan => {
                "een vermelding van een item dat in de gebeurtenissen niet voorkomt".to_string()
            }
            I::Differs => "de vermelding wijkt af van wat de gebeurtenissen geven".to_string(),
            I::Missing => "een vermelding die de gebeurtenissen geven, ontbreekt".to_string(),
            I::Extra => "er staat een vermelding die de gebeurtenissen niet geven".to_string(),
            I::TreeSize { covers, events } => format!(
                "de Merkle-boom omvat {} gebeurtenissen, het register bevat er {events}",
                covers.map_or("geen".into(), |s| s.to_string())
            ),
            I::Node { id, missing } => format!(
                "het knooppunt van de Merkle-boom op niveau {}, positie {} {}",
                id.level,
                id.index,
                if *missing {
                    "ontbreekt; de gebeurtenissen geven het wel"
                } else {
                    "wijkt af van wat de gebeurtenissen geven"
                }
            ),
            I::NodeCount { stored, given } => format!(
                "er zijn {stored} knooppunten van de Merkle-boom opgeslagen, de gebeurtenissen geven er {given}"
            ),
            I::Unreadable { what } => {
                format!("de opgeslagen vermelding is niet te lezen: {what}")
            }
        }
    }

    fn index_fate(&self, rebuilt: bool) -> &'static str {
        if rebuilt {
            "opnieuw opgebouwd uit de gebeurtenissen"
        } else {
            "weergaven lezen uit de index: `kamerstand verify --rebuild-index` bouwt hem opnieuw op uit de gebeurtenissen"
        }
    }

    fn index_held(&self) -> &'static str {
        "weergaven lezen uit de index; hij wordt niet opnieuw opgebouwd over het spoor hierboven"
    }

    fn index_after_head(&self, named: Trace, head: Option<u64>, rebuilt: bool) -> String {
        if named.rewritten {
            if rebuilt {
                return format!(
                    "SPOOR VAN EEN HERSCHREVEN KETEN GEWIST: de index noemde gebeurtenis {} (in {}) met een andere hash dan die gebeurtenis van de keten heeft; hij is op verzoek (--discard-trace) opnieuw opgebouwd uit de gebeurtenissen\n",
                    named.seq, named.tree
                );
            }
            return format!(
                "SPOOR VAN EEN HERSCHREVEN KETEN: de index noemt gebeurtenis {} (in {}) met een andere hash dan die gebeurtenis van de keten heeft: er kunnen gebeurtenissen van het eind van de keten zijn verwijderd en andere in hun plaats vastgelegd. De index wordt daarover niet opnieuw opgebouwd; vergelijk de keten met een gepubliceerde controlewaarde (`kamerstand verify --digest WAARDE`) en zet zo nodig een kopie terug (`--rebuild-index --discard-trace` bouwt hem toch opnieuw op en wist het spoor)\n",
                named.seq, named.tree
            );
        }
        let head = head.map_or("er is er geen".into(), |h| format!("gebeurtenis {h}"));
        if rebuilt {
            return format!(
                "SPOOR VAN EEN INGEKORTE KETEN GEWIST: de index noemde gebeurtenis {} (in {}), na de laatste van de keten ({head}); hij is op verzoek (--discard-trace) opnieuw opgebouwd uit de gebeurtenissen\n",
                named.seq, named.tree
            );
        }
        format!(
            "SPOOR VAN EEN INGEKORTE KETEN: de index noemt gebeurtenis {} (in {}), na de laatste van de keten ({head}): er kunnen gebeurtenissen van het eind van de keten zijn verwijderd. De index wordt daarover niet opnieuw opgebouwd; vergelijk de laatste hash met een gepubliceerde controlewaarde (`kamerstand verify --digest WAARDE`) en zet zo nodig een kopie terug (`--rebuild-index --discard-trace` bouwt hem toch opnieuw op en wist het spoor)\n",
            named.seq, named.tree
        )
    }

    fn note_holds(&self, n: &NoteHolds<'_>) -> String {
        let signed: Vec<String> = n
            .signed_by
            .iter()
            .map(|(name, role)| format!("{} ({})", v(name), role_nl(*role)))
            .collect();
        format!(
            "notitie: in orde: {} met Merkle-wortel {}{}, ondertekend door {}; dit register bevat ze{}\n",
            events_nl(n.events),
            n.root.hex(),
            n.round
                .map(|r| format!(" (ronde {})", v(r)))
                .unwrap_or_default(),
            signed.join(", "),
            match n.after {
                0 => String::new(),
                a => format!(" en nog {} daarna", events_nl(a)),
            }
        )
    }

    fn note_failed(&self) -> &'static str {
        "notitie: NIET IN ORDE"
    }

    fn note_fault(&self, f: &NoteFault) -> String {
        match f {
            NoteFault::Signatures(NoteError::NoSignerSignature { present }) => {
                let by: Vec<String> = present
                    .iter()
                    .map(|(name, id)| format!("{name} (sleutel-id {id})"))
                    .collect();
                format!(
                    "de notitie is door geen enkele geregistreerde sleutel van een ondertekenaar ondertekend; {}",
                    if by.is_empty() {
                        "zij draagt geen handtekening die een geregistreerde sleutel kan controleren"
                            .to_string()
                    } else {
                        format!(
                            "zij is alleen ondertekend door {}; registreer de publieke sleutel van de ondertekenaar als u die vertrouwt",
                            by.join(", ")
                        )
                    }
                )
            }
            NoteFault::Signatures(NoteError::BadSignature { name, key_id, role }) => format!(
                "de {} met de sleutel van {} {name} (sleutel-id {key_id}) klopt niet: de notitie is gewijzigd, of de handtekening is gezet onder een ander controlepunt (een andere oorsprong, omvang of wortel)",
                match role {
                    KeyRole::Signer => "handtekening",
                    KeyRole::Witness => "medeondertekening",
                },
                role_nl(*role)
            ),
            NoteFault::Signatures(NoteError::MissingSignature { name, key_id, role }) => format!(
                "de notitie draagt geen handtekening van {} {name} (sleutel-id {key_id})",
                role_nl(*role)
            ),
            // What signing and cosigning refuse; checking a note finds only
            // the three above.
            NoteFault::Signatures(other) => other.to_string(),
            NoteFault::Origin { note, ours } => format!(
                "de notitie hoort bij '{note}', de controlepunten van dit register bij '{ours}'"
            ),
            NoteFault::RolledBack { covers, holds } => format!(
                "de notitie omvat {}, dit register bevat er {holds}: het is teruggezet naar een oudere kopie of ingekort",
                events_nl(*covers)
            ),
            NoteFault::Fork { size, ours, theirs } => format!(
                "de eerste {} van dit register hebben Merkle-wortel {}, de wortel in de notitie is {}: de geschiedenis is herschreven (een afsplitsing)",
                events_nl(*size),
                ours.hex(),
                theirs.hex()
            ),
        }
    }
}

impl Words for En {
    fn intact(&self, events: u64, seals: u64, head: Option<EventHash>) -> String {
        format!(
            "ok: {events} events verified ({seals} round seal{}), head {}\n",
            if seals == 1 { "" } else { "s" },
            head.map_or("(none)".into(), |h| h.hex())
        )
    }

    fn broken(&self, seq: u64, kind: &str, item: Option<&str>) -> String {
        format!(
            "BROKEN at seq {seq}: {kind}{}",
            item.map(|i| format!(" (item {i})")).unwrap_or_default()
        )
    }

    fn passed(&self, events: u64, last_good: Option<EventHash>) -> String {
        format!(
            "{events} events passed the chain checks{}\n",
            last_good
                .map(|h| format!(", last good hash {}", h.hex()))
                .unwrap_or_default()
        )
    }

    fn kind(&self, k: BreakKind) -> &'static str {
        k.words()
    }

    fn finding(&self, f: &Finding) -> String {
        f.to_string()
    }

    fn digest(&self, short: &str, r: DigestResult) -> String {
        format!(
            "digest {short}: {}",
            match r {
                DigestResult::Found => "found",
                DigestResult::NotConfirmed => "NOT CONFIRMED",
                DigestResult::NotFound => "NOT FOUND",
            }
        )
    }

    fn digest_finding(&self, f: &DigestFinding) -> String {
        f.to_string()
    }

    fn not_compared(&self, trees: &str) -> String {
        format!(
            "not compared: {trees} (not built yet in this store; the next command that opens it builds them from the events)\n"
        )
    }

    fn index_ok(&self, entries: u64, rebuilt: bool) -> String {
        format!(
            "index and Merkle tree: {entries} entries match the events{}\n",
            if rebuilt { " (rebuilt from them)" } else { "" }
        )
    }

    fn index_bad(&self, tree: &str, item: Option<String>, seq: Option<u64>) -> String {
        format!(
            "BAD index entry in {tree}{}{}",
            item.map(|i| format!(", item {i}")).unwrap_or_default(),
            seq.map(|s| format!(", seq {s}")).unwrap_or_default()
        )
    }

    fn index_finding(&self, f: &IndexFinding) -> String {
        f.to_string()
    }

    fn index_fate(&self, rebuilt: bool) -> &'static str {
        if rebuilt {
            "rebuilt from the events"
        } else {
            "reads serve the index: `kamerstand verify --rebuild-index` rebuilds it from the events"
        }
    }

    fn index_held(&self) -> &'static str {
        "reads serve the index; it is not rebuilt over the trace above"
    }

    fn index_after_head(&self, named: Trace, head: Option<u64>, rebuilt: bool) -> String {
        if named.rewritten {
            if rebuilt {
                return format!(
                    "TRACE OF A REWRITTEN CHAIN DISCARDED: the index named seq {} (in {}) by another hash than the chain's event there has; it was rebuilt from the events as asked (--discard-trace)\n",
                    named.seq, named.tree
                );
            }
            return format!(
                "TRACE OF A REWRITTEN CHAIN: the index names seq {} (in {}) by another hash than the chain's event there has: events may have been cut off the end of the chain and others recorded in their place. The index is not rebuilt over that trace; check the chain against a published round digest (`kamerstand verify --digest DIGEST`) and restore from a copy if events are missing (`--rebuild-index --discard-trace` rebuilds it all the same, and the trace is gone)\n",
                named.seq, named.tree
            );
        }
        let head = head.map_or("there is none".into(), |h| format!("seq {h}"));
        if rebuilt {
            return format!(
                "TRACE OF A CUT CHAIN DISCARDED: the index named seq {} (in {}), after the chain's last event ({head}); it was rebuilt from the events as asked (--discard-trace)\n",
                named.seq, named.tree
            );
        }
        format!(
            "TRACE OF A CUT CHAIN: the index names seq {} (in {}), after the chain's last event ({head}): events may have been cut off the end of the chain. The index is not rebuilt over that trace; check the head against a published round digest (`kamerstand verify --digest DIGEST`) and restore from a copy if events are missing (`--rebuild-index --discard-trace` rebuilds it all the same, and the trace is gone)\n",
            named.seq, named.tree
        )
    }

    fn note_holds(&self, n: &NoteHolds<'_>) -> String {
        let signed: Vec<String> = n
            .signed_by
            .iter()
            .map(|(name, role)| format!("{} ({role})", v(name)))
            .collect();
        format!(
            "note: ok: {} events with Merkle root {}{}, signed by {}; this ledger holds them{}\n",
            n.events,
            n.root.hex(),
            n.round
                .map(|r| format!(" (round {})", v(r)))
                .unwrap_or_default(),
            signed.join(", "),
            match n.after {
                0 => String::new(),
                a => format!(" and {a} events after them"),
            }
        )
    }

    fn note_failed(&self) -> &'static str {
        "note: FAILED"
    }

    fn note_fault(&self, f: &NoteFault) -> String {
        f.to_string()
    }
}

/// The summary of a verification in `lang`: the chain's verdict or its
/// first break, the digest's line (first when it was not found: that is
/// the finding), and the index's line (first when it differs).
pub fn summary(report: &VerifyReport, index: Option<&IndexReport>, lang: Lang) -> String {
    let w = words(lang);
    let mut out = match &report.first_break {
        None => w.intact(report.events_checked, report.seals_checked, report.head),
        Some(b) => format!(
            "{}\n{}",
            broken_line(w, b),
            w.passed(report.events_checked, report.head)
        ),
    };
    if let Some(d) = &report.digest {
        let result = match (d.ok, d.found_at) {
            (true, _) => DigestResult::Found,
            (false, Some(_)) => DigestResult::NotConfirmed,
            (false, None) => DigestResult::NotFound,
        };
        let line = format!(
            "{}: {}\n",
            w.digest(&d.digest.short(), result),
            v(&w.digest_finding(&d.detail))
        );
        if d.ok {
            out.push_str(&line);
        } else {
            out.insert_str(0, &line);
        }
    }
    if let Some(x) = index {
        match &x.first_difference {
            None if x.after_head.is_none() || x.rebuilt => {
                out.push_str(&w.index_ok(x.entries, x.rebuilt));
            }
            None => {}
            Some(d) => out.insert_str(
                0,
                &index_line(w, d, x.rebuilt, x.after_head.is_some() && !x.rebuilt),
            ),
        }
        if !x.not_compared.is_empty() {
            out.push_str(&w.not_compared(&x.not_compared.join(", ")));
        }
        if let Some(named) = x.after_head {
            let head = report.events_checked.checked_sub(1);
            out.insert_str(0, &w.index_after_head(named, head, x.rebuilt));
        }
    }
    out
}

fn broken_line(w: &dyn Words, b: &Break) -> String {
    format!(
        "{}: {}",
        v(&w.broken(b.seq, w.kind(b.kind), b.item.as_deref())),
        v(&w.finding(&b.detail))
    )
}

fn index_line(w: &dyn Words, d: &IndexDifference, rebuilt: bool, held: bool) -> String {
    format!(
        "{}: {} ({})\n",
        w.index_bad(d.tree, d.item.map(|i| i.hex()), d.seq),
        v(&w.index_finding(&d.what)),
        if held {
            w.index_held()
        } else {
            w.index_fate(rebuilt)
        }
    )
}

/// The line of a note that holds, in `lang`.
pub fn note_holds(n: &NoteHolds<'_>, lang: Lang) -> String {
    words(lang).note_holds(n)
}

/// The line of a note that does not hold, in `lang`.
pub fn note_fails(f: &NoteFault, lang: Lang) -> String {
    let w = words(lang);
    format!("{}: {}\n", w.note_failed(), v(&w.note_fault(f)))
}

#[cfg(test)]
mod tests;
