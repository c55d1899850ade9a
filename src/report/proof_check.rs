//! The report of `kamerstand proof check`: one line per note and per
//! proof, `in orde` / `ok` or `NIET IN ORDE` / `FAILED` with the reason, in
//! Dutch or English. Names and keys are shown as given, made visible.

use super::letter::Lang;
use super::v;
use crate::app::proof_check::{OfflineCheck, ProofFault, Shown};
use crate::domain::KeyRole;
use crate::formats::note::NoteError;
use crate::formats::proof::ProofCheckError;
use crate::ledger::merkle::ProofError;
use serde_json::{Value, json};
use std::fmt::Write;

/// The report as one JSON document (schema/proof-check.schema.json): every
/// note and proof with `ok` and, when it does not hold, the `reason` in
/// English words (as `verify`'s JSON, whatever `--lang`); what a proof
/// that holds shows, as values.
pub fn offline_json(c: &OfflineCheck) -> String {
    let nl = false;
    let notes: Vec<Value> = c
        .notes
        .iter()
        .map(|n| match &n.result {
            Ok(h) => json!({
                "file": n.name,
                "ok": true,
                "origin": h.checkpoint.origin(),
                "size": h.checkpoint.size(),
                "root": root_hex(h.checkpoint.root()),
                "signed_by": h.signed_by.iter().map(|(name, role, at)| json!({
                    "name": name,
                    "role": role_word(*role, false),
                    "cosigned_at": at,
                })).collect::<Vec<_>>(),
                "reason": null,
            }),
            Err(e) => json!({
                "file": n.name,
                "ok": false,
                "origin": null,
                "size": null,
                "root": null,
                "signed_by": [],
                "reason": note_reason(e, nl),
            }),
        })
        .collect();
    let proofs: Vec<Value> = c
        .proofs
        .iter()
        .map(|p| match &p.result {
            Ok(shown) => {
                let mut v = shown_json(shown);
                if let Some(o) = v.as_object_mut() {
                    o.insert("file".into(), json!(p.name));
                    o.insert("ok".into(), json!(true));
                    o.insert("reason".into(), Value::Null);
                }
                v
            }
            Err(f) => json!({
                "file": p.name,
                "ok": false,
                "reason": proof_reason(f, nl),
            }),
        })
        .collect();
    let doc = json!({
        "ok": c.ok(),
        "notes": notes,
        "fork": c.fork.as_ref().map(|e| note_reason(e, nl)),
        "proofs": proofs,
    });
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    out.push('\n');
    out
}

fn shown_json(s: &Shown) -> Value {
    match s {
        Shown::Inclusion {
            seq,
            size,
            root,
            note,
        } => json!({
            "type": "inclusion",
            "seq": seq,
            "tree_size": size,
            "root": root.hex(),
            "note": note,
        }),
        Shown::Item {
            key,
            seqs,
            size,
            root,
            round,
            note,
            ..
        } => json!({
            "type": "item",
            "key": key,
            "seqs": seqs,
            "tree_size": size,
            "root": root.hex(),
            "round": round,
            "note": note,
        }),
        Shown::Consistency { older, newer } => json!({
            "type": "consistency",
            "size1": older.0,
            "root1": older.1.hex(),
            "note1": older.2,
            "size2": newer.0,
            "root2": newer.1.hex(),
            "note2": newer.2,
        }),
    }
}

/// The whole report.
pub fn offline(c: &OfflineCheck, lang: Lang) -> String {
    let nl = lang == Lang::Nl;
    let mut out = String::new();
    for n in &c.notes {
        let line = match &n.result {
            Ok(h) => {
                let signed: Vec<String> = h
                    .signed_by
                    .iter()
                    .map(|(name, role, _)| format!("{} ({})", v(name), role_word(*role, nl)))
                    .collect();
                let (size, root) = (h.checkpoint.size(), root_hex(h.checkpoint.root()));
                if nl {
                    format!(
                        "notitie {}: in orde: controlepunt van {}, {}, wortel {root}; ondertekend door {}",
                        v(&n.name),
                        v(h.checkpoint.origin()),
                        events_nl(size),
                        signed.join(", ")
                    )
                } else {
                    format!(
                        "note {}: ok: checkpoint of {}, {size} events, root {root}; signed by {}",
                        v(&n.name),
                        v(h.checkpoint.origin()),
                        signed.join(", ")
                    )
                }
            }
            Err(e) => format!(
                "{} {}: {}: {}",
                if nl { "notitie" } else { "note" },
                v(&n.name),
                failed(nl),
                v(&note_reason(e, nl))
            ),
        };
        let _ = writeln!(out, "{line}");
    }
    if let Some(e) = &c.fork {
        let _ = writeln!(
            out,
            "{}: {}: {}",
            if nl { "notities" } else { "notes" },
            failed(nl),
            v(&note_reason(e, nl))
        );
    }
    for p in &c.proofs {
        let name = v(&p.name);
        let line = match &p.result {
            Ok(shown) => shown_line(shown, &name, nl),
            Err(e) => format!(
                "{} {name}: {}: {}",
                if nl { "bewijs" } else { "proof" },
                failed(nl),
                v(&proof_reason(e, nl))
            ),
        };
        let _ = writeln!(out, "{line}");
    }
    out
}

fn failed(nl: bool) -> &'static str {
    if nl { "NIET IN ORDE" } else { "FAILED" }
}

fn role_word(r: KeyRole, nl: bool) -> &'static str {
    match (r, nl) {
        (KeyRole::Signer, true) => "ondertekenaar",
        (KeyRole::Witness, true) => "getuige",
        (KeyRole::Signer, false) => "signer",
        (KeyRole::Witness, false) => "witness",
    }
}

fn events_nl(n: u64) -> String {
    if n == 1 {
        "1 gebeurtenis".into()
    } else {
        format!("{n} gebeurtenissen")
    }
}

fn root_hex(root: &[u8; 32]) -> String {
    crate::domain::ids::hex(root)
}

fn shown_line(s: &Shown, name: &str, nl: bool) -> String {
    match s {
        Shown::Inclusion {
            seq,
            size,
            root,
            note,
        } => {
            if nl {
                format!(
                    "bewijs {name}: in orde: gebeurtenis {seq} zit in de boom van {} met wortel {}, ondertekend in {}",
                    events_nl(*size),
                    root.hex(),
                    v(note)
                )
            } else {
                format!(
                    "proof {name}: ok: event {seq} is in the tree of {size} events with root {}, signed in {}",
                    root.hex(),
                    v(note)
                )
            }
        }
        Shown::Item {
            key,
            events,
            seqs,
            size,
            root,
            round,
            note,
        } => {
            let list: Vec<String> = seqs.iter().map(u64::to_string).collect();
            let first = seqs.first().copied().unwrap_or_default();
            if nl {
                format!(
                    "bewijs {name}: in orde: {} over item {} (seq {}), vanaf de registratie bij seq {first}, zitten in de boom van {} met wortel {} (ronde {} volgens het bewijs), ondertekend in {}; het bewijs toont niet aan dat de boom geen andere gebeurtenissen over het item bevat",
                    events_nl(*events as u64),
                    v(key),
                    list.join(", "),
                    events_nl(*size),
                    root.hex(),
                    v(round),
                    v(note)
                )
            } else {
                format!(
                    "proof {name}: ok: {events} events about item {} (seq {}), from its registration at seq {first}, are in the tree of {size} events with root {} (round {}, as the proof names it), signed in {}; it does not show that the tree holds no other event about the item",
                    v(key),
                    list.join(", "),
                    root.hex(),
                    v(round),
                    v(note)
                )
            }
        }
        Shown::Consistency { older, newer } => {
            if nl {
                format!(
                    "bewijs {name}: in orde: de boom van {} (wortel {}, {}) begint met de boom van {} (wortel {}, {}), ongewijzigd",
                    events_nl(newer.0),
                    newer.1.hex(),
                    v(&newer.2),
                    events_nl(older.0),
                    older.1.hex(),
                    v(&older.2)
                )
            } else {
                format!(
                    "proof {name}: ok: the tree of {} events (root {}, {}) extends the tree of {} events (root {}, {}) unchanged",
                    newer.0,
                    newer.1.hex(),
                    v(&newer.2),
                    older.0,
                    older.1.hex(),
                    v(&older.2)
                )
            }
        }
    }
}

/// Why a note does not hold.
fn note_reason(e: &NoteError, nl: bool) -> String {
    if !nl {
        return e.to_string();
    }
    match e {
        NoteError::NoSignerSignature { present } => {
            let by: Vec<String> = present
                .iter()
                .map(|(name, id)| format!("{name} (sleutel-id {id})"))
                .collect();
            if by.is_empty() {
                "de notitie draagt geen handtekening van een opgegeven sleutel van een ondertekenaar".into()
            } else {
                format!(
                    "geen opgegeven sleutel van een ondertekenaar heeft de notitie ondertekend; zij draagt alleen handtekeningen van {}",
                    by.join(", ")
                )
            }
        }
        NoteError::BadSignature { name, key_id, .. } => format!(
            "de handtekening met de sleutel {name} (sleutel-id {key_id}) klopt niet: de notitie is gewijzigd, of de handtekening is gezet onder een ander controlepunt"
        ),
        NoteError::MissingSignature {
            name, key_id, role, ..
        } => format!(
            "de notitie draagt geen handtekening van {} {name} (sleutel-id {key_id}), terwijl die sleutel is opgegeven",
            role_word(*role, true)
        ),
        NoteError::Fork { size, .. } => format!(
            "twee notities over {} hebben verschillende wortels: er bestaan twee geschiedenissen (een afsplitsing)",
            events_nl(*size)
        ),
        other => other.to_string(),
    }
}

/// Why a proof does not hold.
fn proof_reason(f: &ProofFault, nl: bool) -> String {
    match f {
        ProofFault::Check(e) => check_reason(e, nl),
        ProofFault::NoNoteHolds { size } if nl => format!(
            "het gaat over de boom van {}, en geen opgegeven notitie over die boom is in orde",
            events_nl(*size)
        ),
        ProofFault::NoNoteHolds { size } => format!(
            "it is about the tree of {size} events, and no note given about that tree holds"
        ),
    }
}

/// Why a proof's own check failed.
fn check_reason(e: &ProofCheckError, nl: bool) -> String {
    if !nl {
        return e.to_string();
    }
    match e {
        ProofCheckError::Event(why) => {
            format!("de gebeurtenis in het bewijs is onleesbaar ({why})")
        }
        ProofCheckError::SeqMismatch { seq, leaf_index } => format!(
            "de gebeurtenis in het bewijs heeft seq {seq}, maar het bewijs plaatst haar op positie {leaf_index}"
        ),
        ProofCheckError::Proof(p) => match p {
            ProofError::IndexOutOfRange { index, size } => {
                format!("positie {index} ligt niet in een boom van {size} bladeren")
            }
            ProofError::Sizes { size1, size2 } => {
                format!("een consistentiebewijs vraagt 0 < size1 ≤ size2, niet {size1} en {size2}")
            }
            ProofError::TooLong => {
                "het bewijs heeft meer hashes dan een boom van deze omvang nodig heeft".into()
            }
            ProofError::TooShort => {
                "het bewijs heeft minder hashes dan een boom van deze omvang nodig heeft".into()
            }
            ProofError::Empty => "het consistentiebewijs is leeg, maar de omvang verschilt".into(),
            ProofError::SameSizeDiffers { size } => format!(
                "beide bomen hebben {size} bladeren maar verschillen: twee bomen van één omvang (een afsplitsing)"
            ),
            ProofError::FirstRootMismatch { computed } => {
                format!("het bewijs leidt niet naar de eerste wortel (het geeft {computed})")
            }
            ProofError::RootMismatch { computed } => {
                format!("het bewijs leidt niet naar de wortel (het geeft {computed})")
            }
        },
        ProofCheckError::NotTheItem(why) => {
            format!("het bewijs houdt zich niet aan de regels van een itembewijs: {why}")
        }
        ProofCheckError::NotThisCheckpoint {
            proof_size,
            proof_root,
            checkpoint_size,
            checkpoint_root,
        } => format!(
            "het bewijs gaat over een boom van {} met wortel {proof_root}; de notitie over {} met wortel {checkpoint_root}",
            events_nl(*proof_size),
            events_nl(*checkpoint_size)
        ),
    }
}
