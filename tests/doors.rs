//! The command line's doors as a hostile local user finds them: paths that
//! name an endless source where a key, note or proof file is expected.
//! Each refusal must come quickly, bounded in memory, exit 2, naming the
//! argument and the accepted size, with nothing written.

use crate::common::TestEnv;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Far above what a refusal needs; it only turns a hang into a failure.
const HUNG: Duration = Duration::from_secs(120);

/// A ledger with one item, a registered signer key (its private key at
/// `signer.key` beside the store) and a sealed round r1.
fn signed_setup() -> TestEnv {
    let env = TestEnv::init();
    env.run(&[
        "item",
        "add",
        "--kind",
        "motie",
        "--text",
        "Een verzonnen motie",
        "--ref",
        "Kamerstuk 12345, nr. 1",
    ])
    .ok();
    let key = env.dir.path().join("signer.key");
    let key = key.to_str().unwrap();
    env.run(&["key", "generate", "--out", key, "--name", "example.org/nap"])
        .ok();
    let public = format!("{key}.pub");
    env.run(&[
        "key",
        "add",
        &public,
        "--name",
        "example.org/nap",
        "--role",
        "signer",
    ])
    .ok();
    env.run(&["round", "seal", "r1", "--title", "Voorjaar"])
        .ok();
    env
}

/// Runs the real binary under a 1 GiB address-space limit and a deadline,
/// so that a command reading an endless file whole fails the test instead
/// of the machine.
fn bounded(env: &TestEnv, args: &[&str]) -> (i32, String) {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(r#"ulimit -v 1048576; exec "$0" "$@""#)
        .arg(env!("CARGO_BIN_EXE_kamerstand"));
    let inner = env.command(args);
    c.args(inner.get_args())
        .env("KAMERSTAND_ACTOR", crate::common::ACTOR)
        .env_remove("KAMERSTAND_STORE")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > HUNG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("kamerstand {args:?} did not end within {HUNG:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[cfg(unix)]
#[test]
fn endless_files_given_as_keys_notes_or_proofs_are_refused_by_size() {
    let env = signed_setup();
    assert!(Path::new("/dev/zero").exists());
    let key = env.dir.path().join("signer.key");
    let key = key.to_str().unwrap().to_string();
    let zero_link = env.dir.path().join("zero.key");
    std::os::unix::fs::symlink("/dev/zero", &zero_link).unwrap();
    let zero_link = zero_link.to_str().unwrap().to_string();
    let public = format!("{key}.pub");
    let before = env.head();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["round", "sign", "r1", "--key", "/dev/zero"],
            "private key file",
        ),
        (
            vec!["round", "sign", "r1", "--key", &zero_link],
            "private key file",
        ),
        (
            vec![
                "key",
                "add",
                "/dev/zero",
                "--name",
                "example.org/nap",
                "--role",
                "witness",
            ],
            "public key file",
        ),
        (
            vec!["round", "cosign", "/dev/zero", "--key", &key],
            "note file",
        ),
        (vec!["verify", "--note", "/dev/zero"], "--note"),
        (
            vec!["proof", "check", "--note", "/dev/zero", "--key", &public],
            "--note",
        ),
    ];
    for (args, flag) in cases {
        let (code, stderr) = bounded(&env, &args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains(flag) && stderr.contains("file of at most"),
            "{args:?} must name {flag} and the size accepted: {stderr}"
        );
        assert_eq!(env.head(), before, "{args:?} wrote to the ledger");
    }
}

/// `export -o` and `diff -o` write a new file and rename it over the
/// target: right for a plain file or a planted link, which is replaced and
/// not followed, but a directory, a pipe, a link to a device and the
/// system's names (/dev/stdout, /proc/self/fd/1) are no files to replace.
/// Renaming over /dev/null as root once swapped the device for a file.
#[cfg(unix)]
#[test]
fn output_paths_that_are_no_file_to_replace_are_refused() {
    let env = TestEnv::init();
    env.add(&["--kind", "motie", "--key", "M1", "--text", "Een motie."]);
    env.run(&["round", "seal", "r1", "--title", "Voorjaar"])
        .ok();
    let dir = env.dir.path();
    std::fs::create_dir(dir.join("map")).unwrap();
    let fifo = dir.join("pijp");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink("/dev/null", dir.join("naar-null")).unwrap();
    std::os::unix::fs::symlink(dir.join("map"), dir.join("naar-map")).unwrap();
    let before = env.head();
    for (name, what) in [
        ("map", "a directory"),
        ("pijp", "a device, pipe or socket"),
        ("naar-null", "a link to a device"),
        ("naar-map", "a link to a directory"),
    ] {
        let target = dir.join(name);
        let kind_before = std::fs::symlink_metadata(&target).unwrap().file_type();
        let target = target.to_str().unwrap();
        for args in [
            vec!["--format", "md", "export", "-o", target],
            vec!["--format", "events", "export", "-o", target],
            vec!["diff", "r1", "now", "-o", target],
        ] {
            let out = env.run(&args);
            out.expect_code(2);
            assert!(
                out.stderr.contains("-o") && out.stderr.contains(what),
                "{args:?}: {}",
                out.stderr
            );
        }
        assert_eq!(
            std::fs::symlink_metadata(dir.join(name))
                .unwrap()
                .file_type(),
            kind_before,
            "{name} was replaced"
        );
    }
    let out = env.run(&["--format", "md", "export", "-o", "/proc/self/fd/1"]);
    out.expect_code(2);
    assert!(out.stderr.contains("outside /dev"), "{}", out.stderr);
    assert_eq!(env.head(), before);
}

/// A private key file others may read is refused for signing and
/// cosigning, naming the mode; nothing is recorded. `key generate` makes
/// it 0600, so a wider mode means someone widened it.
#[cfg(unix)]
#[test]
fn a_private_key_others_may_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let env = signed_setup();
    let key = env.dir.path().join("signer.key");
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let before = env.head();
    let out = env.run(&["round", "sign", "r1", "--key", key.to_str().unwrap()]);
    out.expect_code(2);
    assert!(
        out.stderr.contains("private key file") && out.stderr.contains("0644"),
        "{}",
        out.stderr
    );
    assert_eq!(env.head(), before);
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    env.run(&["round", "sign", "r1", "--key", key.to_str().unwrap()])
        .ok();
}

/// `--server` with control characters in the URL, or a token file holding
/// them, is refused as input (exit 2, naming --server or the token, the
/// token not shown) before any connection, not reported as a failed
/// request (exit 1).
#[test]
fn a_server_url_or_token_with_control_characters_is_refused_as_input() {
    let env = TestEnv::new();
    let good = env.dir.path().join("token");
    crate::common::write_private(&good, "abcdef0123456789abcdef\n");
    let good = good.to_str().unwrap();
    let bad = env.dir.path().join("bad-token");
    crate::common::write_private(&bad, "abcdef\u{1b}[2J0123456789\n");
    let bad = bad.to_str().unwrap();
    for url in [
        "https://kamerstand\u{1b}[31m.example.nl",
        "http://127.0.0.1:1/\u{7}",
        "https://kamerstand.example.nl/\u{202e}x",
    ] {
        let out = env.run_bare(&["--server", url, "--token-file", good, "overview"]);
        out.expect_code(2);
        assert!(out.stderr.contains("--server"), "{url:?}: {}", out.stderr);
        assert!(!out.stderr.contains('\u{1b}'), "{}", out.stderr);
    }
    let out = env.run_bare(&[
        "--server",
        "http://127.0.0.1:1",
        "--token-file",
        bad,
        "overview",
    ]);
    out.expect_code(2);
    assert!(
        out.stderr.contains("token") && out.stderr.contains("printable ASCII"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("0123456789"), "{}", out.stderr);
}

/// `key generate --out` with a control, bidi or invisible character in the
/// path is refused (exit 2, naming --out); no key file is made.
#[test]
fn key_files_named_with_hidden_characters_are_refused() {
    let env = TestEnv::init();
    for name in [
        "k\u{1b}[31m.key",
        "k\u{202e}yek.txt",
        "k\u{200b}.key",
        "k\n.key",
    ] {
        let path = env.dir.path().join(name);
        let out = env.run(&[
            "key",
            "generate",
            "--out",
            path.to_str().unwrap(),
            "--name",
            "example.org/nap",
        ]);
        out.expect_code(2);
        assert!(out.stderr.contains("--out"), "{name:?}: {}", out.stderr);
        assert!(!out.stderr.contains('\u{1b}'), "{}", out.stderr);
        let made: Vec<_> = std::fs::read_dir(env.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().starts_with('k'))
            .collect();
        assert!(made.is_empty(), "{name:?} made {made:?}");
    }
}

/// `verify --note` with a file that is no signed note refuses it (exit 2)
/// before it checks the whole chain, printing no verdict on the ledger.
#[test]
fn verify_refuses_a_note_that_is_no_note_before_checking_the_chain() {
    let env = TestEnv::init();
    let bad = env.dir.path().join("bad.note");
    std::fs::write(&bad, "not a signed note\n").unwrap();
    let out = env.run(&["verify", "--note", bad.to_str().unwrap()]);
    out.expect_code(2);
    assert_eq!(out.stdout, "", "a verdict before the refusal");
    assert!(out.stderr.contains("invalid signed note"), "{}", out.stderr);
}

/// A token file others may read (or write) is refused as a private key
/// file is: exit 2, naming --token-file, its mode and `chmod 600`, never
/// the token; at 0600 the command goes on (to a server that is not there).
#[cfg(unix)]
#[test]
fn a_token_file_others_may_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let token = env.dir.path().join("geheim.token");
    crate::common::write_private(&token, "kst_abcdef0123456789\n");
    let t = token.to_str().unwrap();
    let args = [
        "--server",
        "http://127.0.0.1:1",
        "--token-file",
        t,
        "overview",
    ];
    for mode in [0o644, 0o640, 0o604, 0o620] {
        std::fs::set_permissions(&token, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = env.run_bare(&args);
        out.expect_code(2);
        assert!(
            out.stderr.contains("--token-file")
                && out.stderr.contains(&format!("{mode:04o}"))
                && out.stderr.contains("chmod 600"),
            "{mode:o}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("0123456789"), "{}", out.stderr);
    }
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = env.run_bare(&args);
    out.expect_code(1);
    assert!(out.stderr.contains("127.0.0.1:1"), "{}", out.stderr);
    // A file longer than any token was cut at 4096 bytes and what was
    // read sent as the token; one that is not UTF-8 failed as storage
    // (exit 1). Both are refused as input, the token not shown.
    let long = format!("kst_{}\n", "a".repeat(5000));
    crate::common::write_private(&token, &long);
    let out = env.run_bare(&args);
    out.expect_code(2);
    assert!(
        out.stderr.contains("--token-file") && out.stderr.contains("at most 4096 bytes"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(&token).unwrap();
    let mut o = std::fs::OpenOptions::new();
    std::os::unix::fs::OpenOptionsExt::mode(o.write(true).create_new(true), 0o600);
    std::io::Write::write_all(&mut o.open(&token).unwrap(), b"kst_abc\xff0123456789\n").unwrap();
    let out = env.run_bare(&args);
    out.expect_code(2);
    assert!(
        out.stderr.contains("token") && out.stderr.contains("printable ASCII"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("0123456789"), "{}", out.stderr);
}

/// A named pipe given where a file is read would block the open until
/// someone writes to it, for ever: every such door refuses one (and any
/// other file that is no regular file) unopened, exit 2, naming the
/// argument; nothing is written. Import points to `-` for a pipe.
#[cfg(unix)]
#[test]
fn pipes_given_as_input_files_are_refused_unopened() {
    let env = signed_setup();
    let dir = env.dir.path();
    let key = dir.join("signer.key");
    let key = key.to_str().unwrap().to_string();
    let public = format!("{key}.pub");
    env.run(&["round", "sign", "r1", "--key", &key]).ok();
    let note = dir.join("r1.note");
    std::fs::write(
        &note,
        env.run(&["round", "note", "r1"]).ok().stdout.as_bytes(),
    )
    .unwrap();
    let note = note.to_str().unwrap().to_string();
    let fifo = dir.join("pijp");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let fifo = fifo.to_str().unwrap().to_string();
    // The witness state beside a key, planted as a pipe.
    assert!(
        Command::new("mkfifo")
            .arg(format!("{key}.cosigned"))
            .status()
            .unwrap()
            .success()
    );
    crate::common::write_private(&dir.join("t.token"), "kst_abc\n");
    let before = env.head();
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (
            vec!["round", "sign", "r1", "--key", &fifo],
            &["private key file"],
        ),
        (
            vec![
                "key",
                "add",
                &fifo,
                "--name",
                "example.org/nap",
                "--role",
                "witness",
            ],
            &["public key file"],
        ),
        (
            vec!["round", "cosign", &fifo, "--key", &key],
            &["note file"],
        ),
        (
            vec!["round", "cosign", &note, "--key", &key],
            &["witness state file"],
        ),
        (vec!["verify", "--note", &fifo], &["--note"]),
        (
            vec!["proof", "check", "--note", &fifo, "--key", &public],
            &["--note"],
        ),
        (
            vec!["proof", "check", &fifo, "--note", &note, "--key", &public],
            &["proof"],
        ),
        (
            vec!["import", &fifo],
            &["import file", "- to read standard input"],
        ),
        (
            vec!["--format", "events", "import", &fifo],
            &["import file", "- to read standard input"],
        ),
        (
            vec![
                "--server",
                "http://127.0.0.1:1",
                "--token-file",
                &fifo,
                "overview",
            ],
            &["--token-file"],
        ),
    ];
    for (args, needles) in cases {
        let (code, stderr) = bounded(&env, &args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains("named pipe") && needles.iter().all(|n| stderr.contains(n)),
            "{args:?} must name {needles:?} and the pipe: {stderr}"
        );
        assert_eq!(env.head(), before, "{args:?} wrote to the ledger");
    }
    let fresh = TestEnv::new();
    let (code, stderr) = bounded(&fresh, &["init", "--programme", "Test", "--legend", &fifo]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("legend file") && stderr.contains("named pipe"),
        "{stderr}"
    );
    assert!(!fresh.store.exists());
    // /dev/stdin is what standard input is: here /dev/null, a device.
    let (code, stderr) = bounded(&env, &["import", "/dev/stdin"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("character device"), "{stderr}");
}

/// A credentials file (the server's password hashes and token hashes)
/// owned by another user is refused as ssh refuses another's
/// authorized_keys: whoever put it there could have put their own token
/// in it. Exit 1, naming the file and its owner. Through the library for
/// any user; through the binary when the test may hand a file to another
/// user (as root).
#[cfg(unix)]
#[test]
fn a_credentials_file_owned_by_another_user_is_refused() {
    use kamerstand::app::credentials::{Credentials, path_for};
    use std::os::unix::fs::MetadataExt;
    let env = TestEnv::init();
    env.run(&[
        "account",
        "add",
        "m.jansen",
        "--name",
        "M. Jansen",
        "--role",
        "medewerker",
        "--ministry",
        "VWS",
    ])
    .ok();
    env.run(&["account", "token", "m.jansen"]).expect_code(0);
    let store = env.store.clone();
    let file = path_for(&store);
    let mine = std::fs::metadata(&file).unwrap().uid();
    Credentials::load_owned_by(&store, Some(mine)).unwrap();
    let e = Credentials::load_owned_by(&store, Some(mine.wrapping_add(1)))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("credentials.json") && e.contains(&format!("owned by user id {mine}")),
        "{e}"
    );
    // A named pipe in its place is refused, not waited for.
    let kept = env.dir.path().join("kept.json");
    std::fs::rename(&file, &kept).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(&file)
            .status()
            .unwrap()
            .success()
    );
    let (code, stderr) = bounded(&env, &["account", "token", "m.jansen", "--list"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("credentials.json") && stderr.contains("named pipe"),
        "{stderr}"
    );
    std::fs::remove_file(&file).unwrap();
    std::fs::rename(&kept, &file).unwrap();
    if std::os::unix::fs::chown(&file, Some(65534), None).is_err() {
        eprintln!("not root: the binary's refusal is left to the library check above");
        return;
    }
    for args in [
        vec!["account", "token", "m.jansen", "--list"],
        vec!["account", "token", "m.jansen"],
    ] {
        let out = env.run(&args);
        out.expect_code(1);
        assert!(
            out.stderr.contains("credentials.json") && out.stderr.contains("65534"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

/// `key generate` writes each key whole under a temporary name and only
/// then gives it its name: a run killed while writing (here by a file
/// size limit of 0, as a full quota or a crash would stop it) leaves no
/// empty or half key at `--out`, which would block the next run ("a key
/// is never overwritten") or be taken for a key. The next run succeeds;
/// the private key is 0600. A link planted at the name is refused, not
/// followed.
#[cfg(unix)]
#[test]
fn a_key_killed_while_written_leaves_nothing_under_its_name() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::init();
    let key = env.dir.path().join("signer.key");
    let k = key.to_str().unwrap();
    let status = Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -f 0; exec "$0" "$@""#)
        .arg(env!("CARGO_BIN_EXE_kamerstand"))
        .args(["key", "generate", "--out", k, "--name", "example.org/nap"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success(), "the write was not stopped");
    assert!(
        std::fs::symlink_metadata(&key).is_err(),
        "a key cut short is left under its name"
    );
    let out = env.run(&["key", "generate", "--out", k, "--name", "example.org/nap"]);
    out.expect_code(0);
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    env.run(&[
        "key",
        "add",
        &format!("{k}.pub"),
        "--name",
        "example.org/nap",
        "--role",
        "signer",
    ])
    .expect_code(0);
    let victim = env.dir.path().join("victim");
    let planted = env.dir.path().join("planted.key");
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let out = env.run(&[
        "key",
        "generate",
        "--out",
        planted.to_str().unwrap(),
        "--name",
        "example.org/nap",
    ]);
    out.expect_code(2);
    assert!(!victim.exists(), "written through a planted link");
}

/// Runs the binary with arguments that need not be UTF-8.
#[cfg(unix)]
fn run_os(env: &TestEnv, args: &[&[u8]]) -> (i32, String) {
    use std::os::unix::ffi::OsStrExt;
    let out = Command::new(env!("CARGO_BIN_EXE_kamerstand"))
        .arg("--store")
        .arg(&env.store)
        .args(args.iter().map(|a| std::ffi::OsStr::from_bytes(a)))
        .env("KAMERSTAND_ACTOR", crate::common::ACTOR)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// An output path that is not UTF-8 is written under exactly its bytes,
/// and messages show such a byte as `\xff` (not as a replacement
/// character, which names another file) and a control character as its
/// escape: the line saying where a file went cannot steer the terminal.
#[cfg(unix)]
#[test]
fn output_paths_are_written_as_given_and_shown_escaped() {
    use std::os::unix::ffi::OsStrExt;
    let env = TestEnv::init();
    env.add(&["--kind", "motie", "--key", "M1", "--text", "Een motie."]);
    let dir = env.dir.path().as_os_str().as_bytes().to_vec();
    let path = |name: &[u8]| {
        let mut p = dir.clone();
        p.push(b'/');
        p.extend_from_slice(name);
        p
    };
    let odd = path(b"\xff.html");
    let (code, stderr) = run_os(&env, &[b"--format", b"html", b"export", b"-o", &odd]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        Path::new(std::ffi::OsStr::from_bytes(&odd)).is_file(),
        "not written under its own bytes"
    );
    assert!(
        stderr.contains("\\xff.html") && !stderr.contains('\u{fffd}'),
        "{stderr}"
    );
    let steering = path(b"a\x1b[2Jb.md");
    let (code, stderr) = run_os(&env, &[b"--format", b"md", b"export", b"-o", &steering]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(stderr.contains("\\u{1b}[2Jb.md"), "{stderr}");
    // A store path in a refusal, likewise.
    let store = path(b"s\xff\x1b[2J");
    let out = Command::new(env!("CARGO_BIN_EXE_kamerstand"))
        .arg("--store")
        .arg(std::ffi::OsStr::from_bytes(&store))
        .arg("overview")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("s\\xff\\u{1b}[2J") && !stderr.contains('\u{fffd}'),
        "{stderr}"
    );
}

/// An argument that must be text and is not UTF-8 is refused naming the
/// argument (clap said only "invalid UTF-8 was detected in one or more
/// arguments"), with the byte shown escaped: exit 2, nothing written.
#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_is_named() {
    let env = TestEnv::init();
    let before = env.head();
    for (args, name) in [
        (vec![&b"--actor"[..], b"\xff", b"overview"], "--actor"),
        (
            vec![
                &b"item"[..],
                b"add",
                b"--kind",
                b"motie",
                b"--text",
                b"a\xffb",
            ],
            "--text",
        ),
        (vec![&b"--actor=\xfe"[..], b"overview"], "--actor"),
        (vec![&b"show"[..], b"M\xff1"], "KEY"),
    ] {
        let (code, stderr) = run_os(&env, &args);
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains(&format!("invalid {name} "))
                && stderr.contains("UTF-8")
                && (stderr.contains("\\xff") || stderr.contains("\\xfe")),
            "{name}: {stderr}"
        );
    }
    assert_eq!(env.head(), before);
}

/// The demo's directory (its ledger, the credentials of `serve --demo`,
/// the exports) is new and its owner's only: it was made under a name
/// from the process id and the time, mode 0755, and written into through
/// any link already at a file's name, had someone made it first.
#[cfg(unix)]
#[test]
fn the_demo_directory_is_new_and_private() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let v = env.json(&["demo", "--keep"]);
    let dir = std::path::PathBuf::from(v["dir"].as_str().unwrap());
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(format!("{mode:o}"), "700", "{}", dir.display());
}
