//! Tests of signed notes, checkpoints, keys and cosignatures: RFC 8032's
//! Ed25519 vectors, the Go `note` package's published example (so what we
//! write is what the transparency-log ecosystem reads), strict parsing, and
//! the refusals an auditor relies on: altered bytes, unregistered keys,
//! cosignatures moved to another checkpoint, forks and rollbacks.

use super::*;
use crate::ledger::merkle::{Frontier, NodeId, consistency_proof, leaf_hash};
use ed25519_dalek::Verifier as _;
use std::collections::BTreeMap;
use std::convert::Infallible;

fn unhex(s: &str) -> Vec<u8> {
    crate::domain::ids::unhex(s).unwrap()
}

/// RFC 8032 §7.1: TEST 1, 2, 3 and SHA(abc) — secret key, public key,
/// message, signature.
const RFC8032: [(&str, &str, &str, &str); 4] = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
    (
        "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
        "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704",
    ),
];

#[test]
fn rfc8032_vectors_sign_and_verify() {
    for (secret, public, msg, sig) in RFC8032 {
        let seed: [u8; 32] = unhex(secret).try_into().unwrap();
        let key = PrivateKey::from_seed("rfc8032.example/test", KeyRole::Signer, &seed).unwrap();
        let vk = key.verifier();
        assert_eq!(crate::domain::ids::hex(&vk.public_key()), public);
        let msg = unhex(msg);
        let sig: [u8; 64] = unhex(sig).try_into().unwrap();
        assert_eq!(key.secret.sign(&msg).to_bytes(), sig);
        let s = ed25519_dalek::Signature::from_bytes(&sig);
        vk.public.verify_strict(&msg, &s).unwrap();
        // A flipped byte anywhere in the signature, the key or the message.
        for i in 0..64 {
            let mut bad = sig;
            bad[i] ^= 0x01;
            let s = ed25519_dalek::Signature::from_bytes(&bad);
            assert!(vk.public.verify_strict(&msg, &s).is_err(), "sig byte {i}");
        }
        for i in 0..32 {
            let mut pk = vk.public_key();
            pk[i] ^= 0x01;
            let s = ed25519_dalek::Signature::from_bytes(&sig);
            let refused = match VerifierKey::new("k", KeyRole::Signer, pk) {
                Err(_) => true,
                Ok(k) => k.public.verify_strict(&msg, &s).is_err(),
            };
            assert!(refused, "public key byte {i}");
        }
        let mut longer = msg.clone();
        longer.push(0);
        assert!(
            vk.public
                .verify(&longer, &ed25519_dalek::Signature::from_bytes(&sig))
                .is_err()
        );
        if !msg.is_empty() {
            let mut m = msg.clone();
            m[0] ^= 0x01;
            assert!(
                vk.public
                    .verify_strict(&m, &ed25519_dalek::Signature::from_bytes(&sig))
                    .is_err()
            );
        }
    }
}

/// The example of golang.org/x/mod/sumdb/note's documentation: its private
/// key, public key and signed note.
const GO_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const GO_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const GO_TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

#[test]
fn the_go_note_example_reads_and_writes_byte_for_byte() {
    let skey = PrivateKey::parse(GO_SKEY).unwrap();
    let vkey = VerifierKey::parse(GO_VKEY).unwrap();
    assert_eq!(skey.verifier(), vkey);
    assert_eq!(vkey.to_string(), GO_VKEY);
    assert_eq!(skey.to_text().as_str(), GO_SKEY);
    let ours = Note {
        text: GO_TEXT.into(),
        signatures: vec![sign_text(GO_TEXT, &skey)],
    };
    assert_eq!(ours.to_text(), GO_NOTE);
    let theirs = Note::parse(GO_NOTE.as_bytes()).unwrap();
    assert_eq!(theirs, ours);
    assert_eq!(
        vkey.check(theirs.text(), &theirs.signatures()[0]).unwrap(),
        None
    );
    // Every altered byte: the note no longer parses, or no longer verifies.
    let bytes = GO_NOTE.as_bytes();
    for i in 0..bytes.len() {
        for mask in [0x01u8, 0x20, 0x80] {
            let mut b = bytes.to_vec();
            b[i] ^= mask;
            let verified = Note::parse(&b).ok().is_some_and(|n| {
                n.signatures()
                    .iter()
                    .any(|s| vkey.matches(s) && vkey.check(n.text(), s).is_ok())
            });
            assert!(!verified, "byte {i} ^ {mask:#x} still verifies");
        }
    }
}

#[test]
fn published_verifier_keys_parse_with_their_key_ids() {
    // From the Go note tests and transparency-dev/formats' cosignature tests:
    // a signer key whose base64 holds a '+', and a witness (type 0x04) key.
    let enoch =
        VerifierKey::parse("EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop")
            .unwrap();
    assert_eq!(enoch.role(), KeyRole::Signer);
    let plus =
        VerifierKey::parse("TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6").unwrap();
    assert_eq!(plus.name(), "TEST");
    let witness = VerifierKey::parse(
        "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2\n",
    )
    .unwrap();
    assert_eq!(witness.role(), KeyRole::Witness);
    assert_eq!(witness.key_id_hex(), "da77ade7");
    // The key id is SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4].
    let mut h = Sha256::new();
    h.update(b"remora.n621.de\n\x04");
    h.update(witness.public_key());
    assert_eq!(witness.key_id(), h.finalize()[..4]);
}

#[test]
fn malformed_key_texts_are_refused_with_the_reason() {
    let cases = [
        (
            "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "8 lowercase hex",
        ),
        (
            "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "was altered",
        ),
        (
            "PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "0x01",
        ),
        (
            "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "without spaces",
        ),
        (
            "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "non-empty",
        ),
        (
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
            "base64",
        ),
        (
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TX",
            "Ed25519 public key",
        ),
        ("PeterNeumann+c74f20a3", "name+<8 hex"),
        (
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n\n",
            "base64",
        ),
        (
            " PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            "without spaces",
        ),
    ];
    for (text, says) in cases {
        let err = VerifierKey::parse(text).unwrap_err().to_string();
        assert!(err.contains(says), "{text:?}: {err}");
    }
    // The identity point (small order) and a non-canonical y (= p).
    let identity = {
        let mut k = [0u8; 32];
        k[0] = 1;
        k
    };
    let mut p = [0xffu8; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    for bad in [identity, p] {
        let err = VerifierKey::new("k", KeyRole::Signer, bad).unwrap_err();
        assert!(err.to_string().contains("canonical encoding"), "{err}");
    }
    // A private key's text is never echoed, even when wrong.
    let err = PrivateKey::parse("PRIVATE+KEY+x+00000000+AAAA")
        .unwrap_err()
        .to_string();
    assert!(!err.contains("AAAA"), "{err}");
    let err = PrivateKey::parse(GO_VKEY).unwrap_err().to_string();
    assert!(
        err.contains("PRIVATE+KEY+") && !err.contains("ARpc"),
        "{err}"
    );
    let wrong_id = GO_SKEY.replace("c74f20a3", "c74f20a4");
    assert!(
        PrivateKey::parse(&wrong_id)
            .unwrap_err()
            .to_string()
            .contains("altered")
    );
}

#[test]
fn generated_keys_round_trip_and_hide_their_secret() {
    let a = PrivateKey::generate("kamerstand.example/nap", KeyRole::Signer).unwrap();
    let b = PrivateKey::generate("kamerstand.example/nap", KeyRole::Signer).unwrap();
    assert_ne!(a.verifier().public_key(), b.verifier().public_key());
    let text = a.to_text();
    assert!(text.starts_with("PRIVATE+KEY+kamerstand.example/nap+"));
    // Built in place: its buffer never grew (and so was never copied).
    assert_eq!(text.len(), text.capacity());
    let back = PrivateKey::parse(&format!("{}\n", text.as_str())).unwrap();
    assert_eq!(back.verifier(), a.verifier());
    let debug = format!("{a:?}");
    // The key data is the fifth field; base64 itself may hold a '+'.
    let secret_b64 = text.splitn(5, '+').nth(4).unwrap();
    assert!(secret_b64.len() > 40, "{secret_b64}");
    assert!(!debug.contains(secret_b64), "{debug}");
    assert!(debug.contains(&a.key_id_hex()));
    let v = VerifierKey::parse(&a.verifier().to_string()).unwrap();
    assert_eq!(v, a.verifier());
}

fn root_of(n: u64) -> Hash {
    let mut f = Frontier::new();
    for i in 0..n {
        f.push(leaf_hash(&i.to_be_bytes()));
    }
    f.root()
}

const ORIGIN: &str = "kamerstand.example/nap";

fn keys() -> (PrivateKey, PrivateKey) {
    let signer = PrivateKey::from_seed(ORIGIN, KeyRole::Signer, &[7; 32]).unwrap();
    let witness = PrivateKey::from_seed("witness.example/w1", KeyRole::Witness, &[9; 32]).unwrap();
    (signer, witness)
}

#[test]
fn checkpoint_text_is_exact() {
    let cp = Checkpoint::new(ORIGIN, 20852163, [0x0a; 32]).unwrap();
    assert_eq!(
        cp.text(),
        "kamerstand.example/nap\n20852163\nCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgo=\n"
    );
    assert_eq!(Checkpoint::parse(&cp.text()).unwrap(), cp);
    let ext = Checkpoint::with_extensions(ORIGIN, 0, [0; 32], vec!["x y".into()]).unwrap();
    assert!(ext.text().ends_with("=\nx y\n"));
    assert_eq!(Checkpoint::parse(&ext.text()).unwrap(), ext);
    let max = format!(
        "{ORIGIN}\n18446744073709551615\n{}\n",
        B64.encode([0u8; 32])
    );
    assert_eq!(Checkpoint::parse(&max).unwrap().size(), u64::MAX);
}

#[test]
fn malformed_checkpoints_are_refused() {
    let root = B64.encode([1u8; 32]);
    let bad = [
        (format!("{ORIGIN}\n012\n{root}\n"), "leading zeros"),
        (format!("{ORIGIN}\n+12\n{root}\n"), "decimal"),
        (format!("{ORIGIN}\n 12\n{root}\n"), "decimal"),
        (format!("{ORIGIN}\n12 \n{root}\n"), "decimal"),
        (format!("{ORIGIN}\n\n{root}\n"), "decimal"),
        (
            format!("{ORIGIN}\n18446744073709551616\n{root}\n"),
            "below 2^64",
        ),
        (format!("\n12\n{root}\n"), "non-empty"),
        (format!("{ORIGIN} \n12\n{root}\n"), "without spaces"),
        (
            format!("{ORIGIN}\n12\n{}\n", B64.encode([1u8; 31])),
            "32 bytes",
        ),
        (format!("{ORIGIN}\n12\n{}\n", &root[..43]), "base64"),
        (
            format!("{ORIGIN}\n12\nAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQF=\n"),
            "base64",
        ),
        (format!("{ORIGIN}\n12\n{root} \n"), "base64"),
        (format!("{ORIGIN}\n12\n{root}"), "ending in a newline"),
        (format!("{ORIGIN}\n12\n"), "three lines"),
        (format!("{ORIGIN}\n12\n{root}\n\n"), "non-empty line"),
    ];
    for (text, says) in bad {
        let err = Checkpoint::parse(&text).unwrap_err().to_string();
        assert!(err.contains(says), "{text:?}: {err}");
    }
}

#[test]
fn malformed_notes_are_refused() {
    let (signer, _) = keys();
    let good = sign(&Checkpoint::new(ORIGIN, 3, root_of(3)).unwrap(), &signer)
        .unwrap()
        .to_text();
    let sig_line = good.lines().last().unwrap().to_string();
    let body = Checkpoint::new(ORIGIN, 3, root_of(3)).unwrap().text();
    let bad: Vec<(Vec<u8>, &str)> = vec![
        (body.clone().into_bytes(), "blank line"),
        (
            format!("{body}\n").into_bytes(),
            "one or more signature lines",
        ),
        (
            format!("{body}\n{sig_line}").into_bytes(),
            "one or more signature lines",
        ),
        (
            format!("{body}\n{sig_line}\n\n").into_bytes(),
            "one or more signature lines",
        ),
        (
            format!("{body}\n{}\n", sig_line.replace('\u{2014}', "--")).into_bytes(),
            "em dash",
        ),
        (format!("{body}\n{} \n", sig_line).into_bytes(), "base64"),
        (
            format!("{body}\n{}\n", sig_line.replacen(' ', "  ", 2)).into_bytes(),
            "non-empty",
        ),
        (good.replace('\n', "\r\n").into_bytes(), "carriage returns"),
        (
            good.replacen("nap", "n\tap", 1).into_bytes(),
            "control character",
        ),
        ([&[0xffu8][..], good.as_bytes()].concat(), "UTF-8"),
        (vec![b'a'; MAX_NOTE_BYTES + 1], "at most"),
        (
            format!(
                "{body}\n{}",
                format!("{sig_line}\n").repeat(MAX_SIGNATURES + 1)
            )
            .into_bytes(),
            "at most 100 signature lines",
        ),
    ];
    for (input, says) in bad {
        let err = Note::parse(&input).unwrap_err().to_string();
        assert!(
            err.contains(says),
            "{:?}: {err}",
            String::from_utf8_lossy(&input)
        );
    }
    // A hundred signature lines are fine.
    let many = format!("{body}\n{}", format!("{sig_line}\n").repeat(MAX_SIGNATURES));
    assert_eq!(
        Note::parse(many.as_bytes()).unwrap().signatures().len(),
        MAX_SIGNATURES
    );
}

#[test]
fn a_signed_checkpoint_verifies_and_lists_its_signers() {
    let (signer, witness) = keys();
    let cp = Checkpoint::new(ORIGIN, 5, root_of(5)).unwrap();
    let note = sign(&cp, &signer).unwrap();
    let text = note.to_text();
    assert!(text.starts_with(&format!("{}\n\u{2014} {ORIGIN} ", cp.text())));
    let parsed = Note::parse(text.as_bytes()).unwrap();
    let v = verify(&parsed, &[signer.verifier(), witness.verifier()]).unwrap();
    assert_eq!(v.checkpoint(), &cp);
    assert!(v.is_signed_by(&signer.verifier()));
    v.require(&signer.verifier()).unwrap();
    let err = v.require(&witness.verifier()).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "the note has no witness signature by witness.example/w1 (key id {})",
            witness.key_id_hex()
        )
    );
}

#[test]
fn a_note_by_an_unregistered_key_is_refused_naming_the_key() {
    let (signer, _) = keys();
    let stranger =
        PrivateKey::from_seed("elsewhere.example/log", KeyRole::Signer, &[3; 32]).unwrap();
    let cp = Checkpoint::new(ORIGIN, 5, root_of(5)).unwrap();
    let note = sign(&cp, &stranger).unwrap();
    let err = verify(&note, &[signer.verifier()]).unwrap_err();
    assert!(matches!(err, NoteError::NoSignerSignature { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "the note is not signed by any registered signer key; it is signed only by elsewhere.example/log (key id {}); register the signer's public key if you trust it",
            stranger.key_id_hex()
        )
    );
    // Same name, other key: an unknown key too (name and id must both match).
    let impostor = PrivateKey::from_seed(ORIGIN, KeyRole::Signer, &[4; 32]).unwrap();
    let err = verify(&sign(&cp, &impostor).unwrap(), &[signer.verifier()]).unwrap_err();
    assert!(err.to_string().contains(&impostor.key_id_hex()), "{err}");
    // Unknown lines beside a valid one are ignored and reported.
    let mut both = sign(&cp, &signer).unwrap();
    both.signatures.push(sign_text(&both.text, &stranger));
    let v = verify(&both, &[signer.verifier()]).unwrap();
    assert_eq!(
        v.ignored(),
        &[("elsewhere.example/log".to_string(), stranger.id)]
    );
}

fn cosigned(size: u64) -> Note {
    let (signer, witness) = keys();
    let note = sign(
        &Checkpoint::new(ORIGIN, size, root_of(size)).unwrap(),
        &signer,
    )
    .unwrap();
    cosign(
        &note,
        &[signer.verifier()],
        &witness,
        1_700_000_000 + size,
        None,
    )
    .unwrap()
}

#[test]
fn a_cosignature_signs_the_spec_message() {
    let (signer, witness) = keys();
    let note = cosigned(4);
    let line = &note.signatures()[1];
    assert_eq!(line.name(), "witness.example/w1");
    assert_eq!(line.signature().len(), 72);
    assert_eq!(line.signature()[..8], 1_700_000_004u64.to_be_bytes());
    let message = format!(
        "cosignature/v1\ntime 1700000004\n{ORIGIN}\n4\n{}\n",
        B64.encode(root_of(4))
    );
    assert_eq!(cosignature_message(note.text(), 1_700_000_004), message);
    let sig = ed25519_dalek::Signature::from_slice(&line.signature()[8..]).unwrap();
    witness
        .verifier()
        .public
        .verify_strict(message.as_bytes(), &sig)
        .unwrap();
    let v = verify(&note, &[signer.verifier(), witness.verifier()]).unwrap();
    assert_eq!(v.signatures()[1].timestamp, Some(1_700_000_004));
    v.require(&witness.verifier()).unwrap();
    // A witness cosignature alone is not the log's signature.
    let err = verify(&note, &[witness.verifier()]).unwrap_err();
    assert!(matches!(err, NoteError::NoSignerSignature { .. }), "{err}");
}

#[test]
fn every_altered_byte_of_a_cosigned_note_is_refused() {
    let (signer, witness) = keys();
    let keys = [signer.verifier(), witness.verifier()];
    let text = cosigned(6).to_text();
    let bytes = text.as_bytes();
    for i in 0..bytes.len() {
        for mask in [0x01u8, 0x20, 0x80] {
            let mut b = bytes.to_vec();
            b[i] ^= mask;
            let accepted = Note::parse(&b).ok().is_some_and(|n| {
                verify(&n, &keys).is_ok_and(|v| keys.iter().all(|k| v.is_signed_by(k)))
            });
            assert!(!accepted, "byte {i} ^ {mask:#x} accepted");
        }
    }
}

#[test]
fn a_cosignature_over_another_root_is_refused() {
    let (signer, witness) = keys();
    let seven = cosigned(7);
    let mut other = sign(&Checkpoint::new(ORIGIN, 7, root_of(6)).unwrap(), &signer).unwrap();
    other.signatures.push(seven.signatures()[1].clone());
    let err = verify(&other, &[signer.verifier(), witness.verifier()]).unwrap_err();
    assert!(matches!(
        err,
        NoteError::BadSignature {
            role: KeyRole::Witness,
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        format!(
            "the cosignature by witness key witness.example/w1 (key id {}) does not verify: the note was altered, or the signature was made over another checkpoint (a different origin, size or root)",
            witness.key_id_hex()
        )
    );
    // And the log's signature line moved onto another checkpoint.
    let mut moved = sign(&Checkpoint::new(ORIGIN, 8, root_of(8)).unwrap(), &signer).unwrap();
    moved.signatures = seven.signatures()[..1].to_vec();
    let err = verify(&moved, &[signer.verifier()]).unwrap_err();
    assert!(
        err.to_string().starts_with("the signature by signer key"),
        "{err}"
    );
}

fn stored_tree(n: u64) -> BTreeMap<NodeId, Hash> {
    let mut f = Frontier::new();
    let mut nodes = BTreeMap::new();
    for i in 0..n {
        nodes.extend(f.push(leaf_hash(&i.to_be_bytes())));
    }
    nodes
}

#[test]
fn a_witness_cosigns_only_what_extends_its_last_checkpoint() {
    let (signer, witness) = keys();
    let log = [signer.verifier()];
    let nodes = stored_tree(20);
    let proof =
        |m, n| consistency_proof(m, n, |id| Ok::<_, Infallible>(nodes.get(&id).copied())).unwrap();
    let cp = |n| Checkpoint::new(ORIGIN, n, root_of(n)).unwrap();
    let note13 = sign(&cp(13), &signer).unwrap();
    let last = cp(9);
    let p = proof(9, 13);
    let ok = cosign(
        &note13,
        &log,
        &witness,
        10,
        Some(LastCosigned {
            checkpoint: &last,
            proof: &p,
        }),
    )
    .unwrap();
    verify(&ok, &[signer.verifier(), witness.verifier()])
        .unwrap()
        .require(&witness.verifier())
        .unwrap();

    // A proof for other sizes does not do.
    let wrong = proof(8, 13);
    let err = cosign(
        &note13,
        &log,
        &witness,
        10,
        Some(LastCosigned {
            checkpoint: &last,
            proof: &wrong,
        }),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            NoteError::Inconsistent {
                size1: 9,
                size2: 13,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("the checkpoint of 13 events is not shown to extend")
    );

    // A smaller tree: rollback.
    let later = cp(15);
    let err = cosign(
        &note13,
        &log,
        &witness,
        10,
        Some(LastCosigned {
            checkpoint: &later,
            proof: &[],
        }),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the checkpoint has 13 events, fewer than the 15 of the last one cosigned: a log never shrinks"
    );

    // Same size, other root: a fork.
    let forked = Checkpoint::new(ORIGIN, 13, root_of(12)).unwrap();
    let err = cosign(
        &note13,
        &log,
        &witness,
        10,
        Some(LastCosigned {
            checkpoint: &forked,
            proof: &[],
        }),
    )
    .unwrap_err();
    assert!(matches!(err, NoteError::Fork { size: 13, .. }), "{err}");
    assert!(err.to_string().starts_with(&format!(
        "fork: two checkpoints of {ORIGIN} both have 13 events"
    )));

    // Same size, same root: cosigned again without a proof.
    let same = cp(13);
    cosign(
        &note13,
        &log,
        &witness,
        11,
        Some(LastCosigned {
            checkpoint: &same,
            proof: &[],
        }),
    )
    .unwrap();

    // Another log.
    let foreign = Checkpoint::new("other.example/log", 9, root_of(9)).unwrap();
    let err = cosign(
        &note13,
        &log,
        &witness,
        10,
        Some(LastCosigned {
            checkpoint: &foreign,
            proof: &p,
        }),
    )
    .unwrap_err();
    assert!(matches!(err, NoteError::OriginMismatch { .. }), "{err}");

    // Twice, or with the wrong kind of key, or an unsigned checkpoint.
    let err = cosign(&ok, &log, &witness, 12, None).unwrap_err();
    assert!(matches!(err, NoteError::AlreadyCosigned { .. }), "{err}");
    let err = cosign(&note13, &log, &signer, 12, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("key {ORIGIN} is a signer key; this needs a witness key")
    );
    assert!(matches!(
        sign(&cp(3), &witness),
        Err(NoteError::WrongRole { .. })
    ));
    let err = cosign(&note13, &[witness.verifier()], &witness, 12, None).unwrap_err();
    assert!(matches!(err, NoteError::NoSignerSignature { .. }), "{err}");
    let err = cosign(&note13, &log, &witness, u64::MAX, None).unwrap_err();
    assert!(err.to_string().contains("below 2^63"), "{err}");
}

#[test]
fn two_checkpoints_of_one_size_with_different_roots_are_a_fork() {
    let a = Checkpoint::new(ORIGIN, 10, root_of(10)).unwrap();
    let b = Checkpoint::new(ORIGIN, 10, root_of(9)).unwrap();
    let err = detect_fork(&a, &b).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "fork: two checkpoints of {ORIGIN} both have 10 events but different roots ({} and {}); the log showed two different histories",
            B64.encode(root_of(10)),
            B64.encode(root_of(9))
        )
    );
    detect_fork(&a, &a).unwrap();
    detect_fork(&a, &Checkpoint::new(ORIGIN, 9, root_of(9)).unwrap()).unwrap();
}

#[test]
fn key_files_are_created_new_and_private() {
    let dir = tempfile::tempdir().unwrap();
    let (signer, _) = keys();
    let path = dir.path().join("signer.key");
    write_private_key(&path, &signer).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        PrivateKey::parse(&text).unwrap().verifier(),
        signer.verifier()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // An existing file is never replaced.
    let err = write_private_key(&path, &keys().1).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    // Nor is a link followed, even one that points nowhere yet.
    #[cfg(unix)]
    {
        let target = dir.path().join("elsewhere");
        let link = dir.path().join("link.key");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(write_private_key(&link, &signer).is_err());
        assert!(!target.exists());
    }
    let pubpath = dir.path().join("signer.key.pub");
    write_public_key(&pubpath, &signer.verifier()).unwrap();
    let pubtext = std::fs::read_to_string(&pubpath).unwrap();
    assert_eq!(pubtext, format!("{}\n", signer.verifier()));
    assert_eq!(VerifierKey::parse(&pubtext).unwrap(), signer.verifier());
}

#[test]
fn roles_parse_from_their_names() {
    assert_eq!(KeyRole::parse("signer").unwrap(), KeyRole::Signer);
    assert_eq!(KeyRole::parse(" Witness").unwrap(), KeyRole::Witness);
    let err = KeyRole::parse("getuige").unwrap_err().to_string();
    assert_eq!(err, "invalid key role 'getuige': signer or witness");
}
