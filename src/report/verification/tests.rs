use super::*;
use crate::domain::{EventId, Timestamp};
use crate::ledger::merkle::NodeId;
use crate::ledger::{DigestOutcome, VerifyReport};

const H1: EventHash = EventHash([0x11; 32]);
const H2: EventHash = EventHash([0x22; 32]);
const ID1: EventId = EventId([0x33; 16]);
const ID2: EventId = EventId([0x44; 16]);

fn t(s: i64) -> Timestamp {
    Timestamp::from_unix_nanos(1_720_000_000_000_000_000 + s)
}

/// English words that must not be in a Dutch sentence (flags such as
/// `--round` and slugs such as `ledger_created` are not words).
const ENGLISH: [&str; 30] = [
    "the",
    "seq",
    "event",
    "events",
    "round",
    "rounds",
    "digest",
    "ledger",
    "but",
    "not",
    "no",
    "none",
    "missing",
    "stored",
    "with",
    "was",
    "sealed",
    "head",
    "signature",
    "signed",
    "key",
    "entry",
    "entries",
    "tree",
    "node",
    "checked",
    "found",
    "note",
    "ok",
    "item's",
];

#[track_caller]
fn dutch(s: &str) {
    let english: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || ",;:.()?'".contains(c))
        .filter(|w| !w.starts_with("--") && !w.contains('_'))
        .filter(|w| ENGLISH.contains(&w.to_ascii_lowercase().as_str()))
        .collect();
    assert!(english.is_empty(), "English {english:?} in: {s}");
}

fn findings() -> Vec<Finding> {
    use Finding as F;
    vec![
        F::Repeated { seq: 3, next: 4 },
        F::Gap { next: 4, found: 6 },
        F::HashDiffers {
            computed: H1,
            stored: H2,
        },
        F::WrongSeq { seq: 4, says: 5 },
        F::Link {
            seq: 4,
            prev: H1,
            before: H2,
        },
        F::Link {
            seq: 0,
            prev: H1,
            before: H2,
        },
        F::TimeBack {
            at: t(0),
            before: t(1),
        },
        F::Creation {
            kind: "ledger_created",
            seq: 4,
        },
        F::SealAgain {
            name: "2025-voorjaar".into(),
            first: "2025-Voorjaar".into(),
            at: 3,
        },
        F::SealHead {
            name: "2025-voorjaar".into(),
            head_seq: 2,
            head_hash: H1,
            before_seq: 3,
            before_hash: H2,
        },
        F::SealTree {
            name: "2025-voorjaar".into(),
            size: 4,
            root: H1,
            seq: 5,
            computed: H2,
        },
        F::Signature {
            round: "2025-voorjaar".into(),
            key: "secretariaat".into(),
        },
        F::CorrectionItem {
            target_seq: 2,
            named: ID1,
            actual: Some(ID2),
        },
        F::CorrectionItem {
            target_seq: 2,
            named: ID1,
            actual: None,
        },
        F::CorrectionTarget {
            target_seq: 2,
            target_id: ID1,
            actual: Some(ID2),
        },
        F::CorrectionTarget {
            target_seq: 2,
            target_id: ID1,
            actual: None,
        },
        F::HeadPastEnd {
            head_seq: 13,
            head_hash: H1,
            at: 13,
            last: Some(12),
        },
        F::HeadPastEnd {
            head_seq: 0,
            head_hash: H1,
            at: 0,
            last: None,
        },
        F::HeadBehind {
            head_seq: 3,
            head_hash: H1,
            last: 5,
        },
        F::HeadTime {
            head: t(0),
            last: Some(t(1)),
        },
        F::HeadTime {
            head: t(0),
            last: None,
        },
        F::HeadHash { head: H1, last: H2 },
        F::NoHead,
        F::IndexEntry {
            item: ID1,
            seq: 4,
            missing: true,
        },
        F::IndexEntry {
            item: ID1,
            seq: 4,
            missing: false,
        },
        F::IndexOrder {
            item: ID1,
            seq: 4,
            after: 9,
        },
    ]
}

fn digest_findings() -> Vec<DigestFinding> {
    use DigestFinding as D;
    let unknown =
        |broken: bool, sealed: &[&str], close: &[&str], digest: DigestIs| D::UnknownRound {
            name: "2025-vorjaar".into(),
            sealed: sealed.iter().map(|s| s.to_string()).collect(),
            close: close.iter().map(|s| s.to_string()).collect(),
            checked: 12,
            broken,
            digest,
        };
    let seal = || DigestIs::Seal {
        round: "2025-voorjaar".into(),
        seq: 5,
    };
    let both = ["2025-voorjaar", "2025-najaar"];
    vec![
        D::Sealed {
            round: "2025-voorjaar".into(),
            seq: 5,
        },
        D::HashOf { seq: 5 },
        D::OtherRound {
            other: "2025-najaar".into(),
            at: 9,
            round: "2025-voorjaar".into(),
            seq: 5,
        },
        D::Rewritten {
            round: "2025-voorjaar".into(),
            seq: 5,
            seal: H1,
            published: H2,
        },
        D::Absent { checked: 12 },
        unknown(false, &both, &both, seal()),
        unknown(false, &both, &[], DigestIs::Event { seq: 3 }),
        unknown(false, &[], &[], DigestIs::Nowhere),
        unknown(
            true,
            &["2025-voorjaar"],
            &["2025-voorjaar"],
            DigestIs::Nowhere,
        ),
        unknown(true, &[], &[], seal()),
    ]
}

fn index_findings() -> Vec<IndexFinding> {
    use IndexFinding as I;
    vec![
        I::NeverBuilt,
        I::WrittenOther {
            seq: 4,
            index: H1,
            chain: H2,
        },
        I::WrittenElsewhere { index: 4, chain: 6 },
        I::WrittenNoHead { index: 4 },
        I::Orphan,
        I::Differs,
        I::Missing,
        I::Extra,
        I::TreeSize {
            covers: Some(3),
            events: 4,
        },
        I::TreeSize {
            covers: None,
            events: 4,
        },
        I::Node {
            id: NodeId { level: 1, index: 2 },
            missing: true,
        },
        I::Node {
            id: NodeId { level: 1, index: 2 },
            missing: false,
        },
        I::NodeCount {
            stored: 7,
            given: 6,
        },
    ]
}

fn note_faults() -> Vec<NoteFault> {
    vec![
        NoteFault::Signatures(NoteError::NoSignerSignature { present: vec![] }),
        NoteFault::Signatures(NoteError::NoSignerSignature {
            present: vec![("vreemde".into(), "0a1b2c3d".into())],
        }),
        NoteFault::Signatures(NoteError::BadSignature {
            name: "secretariaat".into(),
            key_id: "0a1b2c3d".into(),
            role: KeyRole::Signer,
        }),
        NoteFault::Signatures(NoteError::BadSignature {
            name: "rekenkamer".into(),
            key_id: "0a1b2c3d".into(),
            role: KeyRole::Witness,
        }),
        NoteFault::Signatures(NoteError::MissingSignature {
            name: "rekenkamer".into(),
            key_id: "0a1b2c3d".into(),
            role: KeyRole::Witness,
        }),
        NoteFault::Origin {
            note: "kamerstand.example/PDO".into(),
            ours: "kamerstand.example/NAP".into(),
        },
        NoteFault::RolledBack {
            covers: 16,
            holds: 10,
        },
        NoteFault::Fork {
            size: 16,
            ours: H1,
            theirs: H2,
        },
    ]
}

#[test]
fn every_finding_is_dutch_in_dutch_and_the_json_sentence_in_english() {
    for f in findings() {
        dutch(&Nl.finding(&f));
        assert_eq!(En.finding(&f), f.to_string());
    }
    for f in digest_findings() {
        dutch(&Nl.digest_finding(&f));
        assert_eq!(En.digest_finding(&f), f.to_string());
    }
    for f in index_findings() {
        dutch(&Nl.index_finding(&f));
        assert_eq!(En.index_finding(&f), f.to_string());
    }
    for f in note_faults() {
        dutch(&note_fails(&f, Lang::Nl));
        assert_eq!(
            note_fails(&f, Lang::En),
            format!("note: FAILED: {f}\n"),
            "{f:?}"
        );
    }
}

#[test]
fn the_words_of_every_kind_result_and_line_are_dutch() {
    use BreakKind as K;
    for k in [
        K::ContentAltered,
        K::Undecodable,
        K::LinkBroken,
        K::EventMissing,
        K::OutOfOrder,
        K::IndexMismatch,
        K::HeadMismatch,
        K::SealMismatch,
        K::BadReference,
        K::BadSignature,
    ] {
        dutch(Nl.kind(k));
        assert_eq!(En.kind(k), k.to_string());
    }
    for r in [
        DigestResult::Found,
        DigestResult::NotConfirmed,
        DigestResult::NotFound,
    ] {
        dutch(&Nl.digest("111111111111", r));
    }
    for rebuilt in [false, true] {
        dutch(&Nl.index_ok(3, rebuilt));
        dutch(
            Nl.index_fate(rebuilt)
                .replace("kamerstand verify", "")
                .as_str(),
        );
    }
    dutch(&Nl.index_bad("ix_current", Some(ID1.hex()), Some(4)));
    dutch(Nl.index_held());
    dutch(&Nl.not_compared("ix_frames"));
    for (head, rebuilt) in [(None, false), (Some(48), false), (Some(48), true)] {
        for rewritten in [false, true] {
            let named = Trace {
                rewritten,
                ..trace(49)
            };
            dutch(
                Nl.index_after_head(named, head, rebuilt)
                    .replace("kamerstand verify --digest", "")
                    .as_str(),
            );
        }
    }
    dutch(&Nl.index_finding(&IndexFinding::Unreadable {
        what: String::new(),
    }));
    dutch(&Nl.intact(1, 1, Some(H1)));
    dutch(&Nl.passed(1, None));
    dutch(&Nl.broken(4, "inhoud gewijzigd", Some("T1")));
}

fn report(first_break: Option<Break>, digest: Option<DigestOutcome>) -> VerifyReport {
    VerifyReport {
        events_checked: 45,
        head: Some(H1),
        seals_checked: 2,
        first_break,
        digest,
    }
}

#[test]
fn an_intact_chain_with_its_digest_and_index() {
    let digest = DigestOutcome {
        digest: H2,
        round: Some("2024-najaar".into()),
        found_at: Some(20),
        ok: true,
        detail: DigestFinding::Sealed {
            round: "2024-najaar".into(),
            seq: 20,
        },
    };
    let index = IndexReport {
        entries: 200,
        rebuilt: false,
        after_head: None,
        not_compared: Vec::new(),
        first_difference: None,
        rule_broken: None,
    };
    let r = report(None, Some(digest));
    let h1 = H1.hex();
    assert_eq!(
        summary(&r, Some(&index), Lang::Nl),
        format!(
            "in orde: 45 gebeurtenissen gecontroleerd (2 rondezegels), laatste hash {h1}\n\
             controlewaarde 222222222222: GEVONDEN: ronde '2024-najaar' is verzegeld bij gebeurtenis 20 met deze waarde\n\
             index en Merkle-boom: 200 vermeldingen komen overeen met de gebeurtenissen\n"
        )
    );
    assert_eq!(
        summary(&r, Some(&index), Lang::En),
        format!(
            "ok: 45 events verified (2 round seals), head {h1}\n\
             digest 222222222222: found: round '2024-najaar' is sealed at seq 20 with this digest\n\
             index and Merkle tree: 200 entries match the events\n"
        )
    );
}

#[test]
fn a_break_and_a_missing_digest_come_first_and_stored_text_is_made_visible() {
    let brk = Break {
        seq: 32,
        kind: BreakKind::ContentAltered,
        item: Some("T\u{1b}1".into()),
        detail: Box::new(Finding::HashDiffers {
            computed: H1,
            stored: H2,
        }),
    };
    let digest = DigestOutcome {
        digest: H2,
        round: None,
        found_at: None,
        ok: false,
        detail: DigestFinding::Absent { checked: 32 },
    };
    let r = report(Some(brk), Some(digest));
    let nl = summary(&r, None, Lang::Nl);
    let lines: Vec<&str> = nl.lines().collect();
    assert!(lines[0].starts_with("controlewaarde 222222222222: NIET GEVONDEN: geen van de 32"));
    assert!(
        lines[1].starts_with("GEBROKEN bij gebeurtenis 32: inhoud gewijzigd (item T\\u{1b}1): "),
        "{nl}"
    );
    assert!(
        lines[2].starts_with("45 gebeurtenissen doorstonden de ketencontrole, laatste goede hash")
    );
    let en = summary(&r, None, Lang::En);
    assert!(en.starts_with("digest 222222222222: NOT FOUND: no event among the 32"));
    assert!(en.contains("\nBROKEN at seq 32: content altered (item T\\u{1b}1): stored bytes"));
}

#[test]
fn an_index_difference_comes_first() {
    let index = IndexReport {
        entries: 7,
        rebuilt: false,
        after_head: None,
        not_compared: Vec::new(),
        first_difference: Some(IndexDifference {
            tree: "ix_current",
            item: Some(ID1),
            seq: None,
            what: IndexFinding::Differs,
        }),
        rule_broken: None,
    };
    let r = report(None, None);
    let nl = summary(&r, Some(&index), Lang::Nl);
    assert!(
        nl.starts_with(&format!(
            "AFWIJKENDE indexvermelding in ix_current, item {}: de vermelding wijkt af van wat de gebeurtenissen geven (weergaven lezen uit de index: `kamerstand verify --rebuild-index` bouwt hem opnieuw op uit de gebeurtenissen)\nin orde: ",
            ID1.hex()
        )),
        "{nl}"
    );
    let en = summary(&r, Some(&index), Lang::En);
    assert!(en.starts_with(&format!(
        "BAD index entry in ix_current, item {}: the entry differs",
        ID1.hex()
    )));
}

#[test]
fn a_note_that_holds() {
    let n = NoteHolds {
        events: 6,
        root: H1,
        round: Some("2025-voorjaar"),
        signed_by: vec![
            ("secretariaat", KeyRole::Signer),
            ("rekenkamer", KeyRole::Witness),
        ],
        after: 2,
    };
    let h1 = H1.hex();
    assert_eq!(
        note_holds(&n, Lang::Nl),
        format!(
            "notitie: in orde: 6 gebeurtenissen met Merkle-wortel {h1} (ronde 2025-voorjaar), ondertekend door secretariaat (ondertekenaar), rekenkamer (getuige); dit register bevat ze en nog 2 gebeurtenissen daarna\n"
        )
    );
    assert_eq!(
        note_holds(&n, Lang::En),
        format!(
            "note: ok: 6 events with Merkle root {h1} (round 2025-voorjaar), signed by secretariaat (signer), rekenkamer (witness); this ledger holds them and 2 events after them\n"
        )
    );
    dutch(&note_holds(&n, Lang::Nl));
}

#[test]
#[should_panic(expected = "English")]
fn the_check_for_english_finds_it() {
    dutch("de kop van de keten noemt seq 4");
}

fn trace(seq: u64) -> Trace {
    Trace {
        seq,
        tree: "ix_current",
        rewritten: false,
    }
}
