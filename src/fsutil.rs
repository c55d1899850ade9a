//! Creating files without being led elsewhere: every file kamerstand writes
//! outside sled (the lock file, checkpoints, exports) goes through here.
//!
//! A name someone else could have planted is never followed: new files are
//! created with `O_CREAT | O_EXCL | O_NOFOLLOW` under a name with 64 random
//! bits in the directory of their final place, written, and renamed into
//! place (a rename replaces a link planted at the final name, it does not
//! write through it). An existing file that must be reopened, the lock file,
//! is opened with `O_NOFOLLOW` and checked to be a plain file with one
//! link. [`shared_writable`] tells whether other users can write in a
//! directory, which the store refuses unless told otherwise.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Flags that keep `open` from following a symbolic link at the last
/// component of the path.
#[cfg(unix)]
fn no_follow(o: &mut OpenOptions) -> &mut OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    o.custom_flags(libc::O_NOFOLLOW)
}

#[cfg(not(unix))]
fn no_follow(o: &mut OpenOptions) -> &mut OpenOptions {
    o
}

/// True when `e` is the refusal of a symbolic link by `O_NOFOLLOW`.
pub fn is_link_refusal(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// A path as messages show it: a byte that is not UTF-8 as `\xff`, a
/// control, bidi or invisible character as its escape ([`text::visible`]),
/// so that the name shown is the name used, and a name cannot steer the
/// terminal it is shown at.
///
/// [`text::visible`]: crate::domain::text::visible
pub fn shown_path(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            out.push_str(&crate::domain::text::visible(chunk.valid()));
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        crate::domain::text::visible(&path.to_string_lossy()).into_owned()
    }
}

/// Creates `path` for writing; fails if anything exists at that name,
/// a symbolic link (even a dangling one) included.
pub fn create_new(path: &Path) -> io::Result<File> {
    create_new_mode(path, 0o666)
}

/// As [`create_new`], with permission bits `mode` (less the umask) from
/// the moment the file exists, so that a secret written to it is never
/// readable by others, not even for an instant.
pub fn create_new_mode(path: &Path, mode: u32) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    no_follow(&mut o).open(path)
}

/// Opens `path` for reading, but not through a symbolic link.
pub fn open_read_no_follow(path: &Path) -> io::Result<File> {
    no_follow(OpenOptions::new().read(true)).open(path)
}

/// What a file type is when it is no regular file, as messages name it
/// ("a named pipe (FIFO)"); None for a regular file.
pub fn not_regular(t: std::fs::FileType) -> Option<&'static str> {
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    if t.is_symlink() {
        return Some("a symbolic link");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("no regular file")
}

/// Why a file given to be read was not opened.
#[derive(Debug)]
pub enum InputError {
    /// It is no regular file: what it is (see [`not_regular`]).
    NotRegular(&'static str),
    /// Opening or reading it failed.
    Io(io::Error),
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::NotRegular(what) => write!(f, "it is {what}, not a regular file"),
            InputError::Io(e) => e.fmt(f),
        }
    }
}

impl From<io::Error> for InputError {
    fn from(e: io::Error) -> Self {
        InputError::Io(e)
    }
}

/// Opens `path` for reading only if it is a regular file; with
/// `follow == false`, not through a symbolic link either. A named pipe
/// would block the open until someone writes to it, a device may act on
/// being opened (a tape rewinds) or never end, so the type is checked
/// before opening; and again on the open file, which is opened without
/// blocking, so that a pipe put in its place meanwhile is refused instead
/// of waited for. (`/dev/stdin` is thus accepted when standard input is a
/// regular file, and refused when it is a pipe or a terminal.)
pub fn open_input(path: &Path, follow: bool) -> Result<File, InputError> {
    let meta = if follow {
        std::fs::metadata(path)?
    } else {
        std::fs::symlink_metadata(path)?
    };
    if let Some(what) = not_regular(meta.file_type()) {
        return Err(InputError::NotRegular(what));
    }
    let mut o = OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // On a regular file (all that is kept) this changes nothing.
        o.custom_flags(libc::O_NONBLOCK | if follow { 0 } else { libc::O_NOFOLLOW });
    }
    let f = o.open(path)?;
    if let Some(what) = not_regular(f.metadata()?.file_type()) {
        return Err(InputError::NotRegular(what));
    }
    Ok(f)
}

/// Why an opened file holding a secret (a private key, a token) is not
/// to be used: None when only its owner may read or write it, else what
/// to say of its mode, with `then` (what its owner should check first)
/// before the `chmod 600` that closes it. Checked on the opened file, so
/// that no other file can be put under the name between check and read.
pub fn not_private(f: &File, name: &str, then: &str) -> io::Result<Option<String>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = f.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            return Ok(Some(format!(
                "a file only its owner may read or write (mode {:04o} lets others in); {then}, then `chmod 600 {name}`",
                mode & 0o7777
            )));
        }
    }
    #[cfg(not(unix))]
    let _ = (f, name, then);
    Ok(None)
}

/// Reads the regular file at `path` whole if it holds at most `limit`
/// bytes; None when it holds more. Never reads more than `limit + 1`
/// bytes, so a file that grows while read ends in a refusal instead of
/// filling memory; a device, pipe or directory is refused unopened
/// ([`open_input`]).
pub fn read_at_most(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, InputError> {
    read_opened_at_most(open_input(path, true)?, limit)
}

/// Reads an opened file whole if it holds at most `limit` bytes (None when
/// it holds more), never more than `limit + 1` bytes: for a file checked
/// once opened (its mode, say) before it is read.
pub fn read_opened_at_most(f: File, limit: u64) -> Result<Option<Vec<u8>>, InputError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    f.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    let over = u64::try_from(bytes.len()).map_or(true, |n| n > limit);
    Ok((!over).then_some(bytes))
}

/// Opens `path` for reading and writing, creating it if it is missing, but
/// never through a symbolic link, and only if it is a regular file with a
/// single name (a hard link planted there would let a write reach another
/// file). Used for files that are reopened by every run, such as a lock.
pub fn open_or_create_plain(path: &Path) -> io::Result<File> {
    let f = no_follow(
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false),
    )
    .open(path)
    .map_err(|e| {
        if is_link_refusal(&e) {
            io::Error::other(format!(
                "it is a symbolic link, which kamerstand does not follow; remove {} and try again",
                shown_path(path)
            ))
        } else {
            e
        }
    })?;
    let meta = f.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other(format!(
            "it is not a regular file; remove {} and try again",
            shown_path(path)
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(io::Error::other(format!(
                "it has {} names (hard links), so writing it could change another file; remove {} and try again",
                meta.nlink(),
                shown_path(path)
            )));
        }
    }
    Ok(f)
}

/// 64 random bits as 16 hex digits, for names nobody can guess ahead.
fn random_suffix() -> String {
    // The last four bytes of a v7 UUID from uuid's shared context are
    // random (the bytes before them hold its timestamp and counter).
    let a = uuid::Uuid::now_v7();
    let b = uuid::Uuid::now_v7();
    let mut bits = [0u8; 8];
    bits[..4].copy_from_slice(&a.as_bytes()[12..]);
    bits[4..].copy_from_slice(&b.as_bytes()[12..]);
    crate::domain::ids::hex(&bits)
}

/// Creates a new directory in `parent` named `prefix` and 64 random bits,
/// that only its owner may enter (mode 0700 on Unix), and returns its
/// path. A name that exists is never used (nor followed): one someone
/// made ahead would give them the files written into it.
pub fn create_private_dir(parent: &Path, prefix: &str) -> io::Result<PathBuf> {
    let mut last = None;
    for _ in 0..8 {
        let dir = parent.join(format!("{prefix}{}", random_suffix()));
        let mut b = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        match b.create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free directory name")))
}

/// The directory a path's file lives in (`.` for a bare name).
fn dir_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// A file being written under a temporary, unpredictable name beside its
/// final place. [`Staged::commit`] renames it into place; dropping it
/// uncommitted removes it.
#[derive(Debug)]
pub struct Staged {
    file: File,
    tmp: PathBuf,
    target: PathBuf,
    done: bool,
}

impl Staged {
    /// Creates the temporary file for `target` in `target`'s directory,
    /// named `.NAME.RANDOM.tmp`.
    pub fn beside(target: &Path) -> io::Result<Staged> {
        Staged::beside_mode(target, 0o666)
    }

    /// As [`Staged::beside`], the file created with permission bits
    /// `mode` (less the umask), e.g. 0600 for a secret.
    pub fn beside_mode(target: &Path, mode: u32) -> io::Result<Staged> {
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?
            .to_string_lossy()
            .into_owned();
        let dir = dir_of(target);
        // A clash means someone created that very name first: try another.
        let mut last = None;
        for _ in 0..8 {
            let tmp = dir.join(format!(".{name}.{}.tmp", random_suffix()));
            match create_new_mode(&tmp, mode) {
                Ok(file) => {
                    return Ok(Staged {
                        file,
                        tmp,
                        target: target.to_path_buf(),
                        done: false,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| io::Error::other("no free temporary name")))
    }

    /// Makes the file readable and writable by its owner only (mode
    /// 0600), before anything secret is written to it.
    pub fn restrict_to_owner(&mut self) -> io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            self.file
                .set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(())
    }

    /// The temporary file's path.
    pub fn temp_path(&self) -> &Path {
        &self.tmp
    }

    /// Renames the file into place. With `durable`, the file is fsynced
    /// before the rename and its directory after it, so that after a power
    /// cut the target holds either the old content or the whole new one.
    pub fn commit(mut self, durable: bool) -> io::Result<()> {
        self.file.flush()?;
        if durable {
            self.file.sync_all()?;
        }
        std::fs::rename(&self.tmp, &self.target)?;
        self.done = true;
        if durable {
            sync_dir(dir_of(&self.target))?;
        }
        Ok(())
    }
}

impl Staged {
    /// Puts the file in place only if nothing is there yet (a file, a
    /// link, even a dangling one): it is fsynced, given its final name as
    /// a second name, which fails if that name exists instead of replacing
    /// or following what is there, and then loses its temporary name; the
    /// directory is fsynced. The target thus appears whole or not at all.
    pub fn commit_new(mut self) -> io::Result<()> {
        self.file.flush()?;
        self.file.sync_all()?;
        std::fs::hard_link(&self.tmp, &self.target)?;
        self.done = true;
        std::fs::remove_file(&self.tmp)?;
        sync_dir(dir_of(&self.target))
    }
}

impl Write for Staged {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `target` whole or not at all (see [`Staged`]).
pub fn write_whole(target: &Path, bytes: &[u8], durable: bool) -> io::Result<()> {
    let mut s = Staged::beside(target)?;
    s.write_all(bytes)?;
    s.commit(durable)
}

/// Fsyncs a directory, so that names created or renamed in it last.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir).and_then(|d| d.sync_all())
}

/// The permission bits of `dir` when users other than its owner can
/// create, rename or remove names in it: group- or other-writable without
/// the sticky bit. None when only its owner can.
pub fn shared_writable(dir: &Path) -> io::Result<Option<u32>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir)?.permissions().mode() & 0o7777;
        let others_write = mode & 0o022 != 0;
        let sticky = mode & 0o1000 != 0;
        Ok((others_write && !sticky).then_some(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_planted_link_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let link = dir.path().join("planted");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(create_new(&link).is_err());
        let e = open_or_create_plain(&link).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        // Writing "to" the link's name replaces the link, not the victim.
        write_whole(&link, b"new", true).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "new");
        assert!(!std::fs::symlink_metadata(&link).unwrap().is_symlink());
    }

    #[cfg(unix)]
    #[test]
    fn a_hard_link_or_a_directory_is_not_opened_as_a_plain_file() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let hard = dir.path().join("hard");
        std::fs::hard_link(&victim, &hard).unwrap();
        let e = open_or_create_plain(&hard).unwrap_err();
        assert!(e.to_string().contains("hard links"), "{e}");
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert!(open_or_create_plain(&sub).is_err());
        let fresh = dir.path().join("fresh");
        open_or_create_plain(&fresh).unwrap();
        assert!(fresh.is_file());
    }

    #[cfg(unix)]
    #[test]
    fn a_private_file_is_private_from_its_creation_and_never_replaces_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("secret");
        let s = Staged::beside_mode(&target, 0o600).unwrap();
        let mode = std::fs::metadata(s.temp_path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        std::fs::write(&target, "old").unwrap();
        let e = s.commit_new().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn temporary_names_differ_and_vanish_when_not_committed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        let a = Staged::beside(&target).unwrap();
        let b = Staged::beside(&target).unwrap();
        assert_ne!(a.temp_path(), b.temp_path());
        let name = a.temp_path().file_name().unwrap().to_string_lossy();
        assert!(
            name.starts_with(".out.txt.") && name.ends_with(".tmp"),
            "{name}"
        );
        let tmp = a.temp_path().to_path_buf();
        drop(a);
        assert!(!tmp.exists());
        b.commit(false).unwrap();
        assert!(target.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn shared_directories_are_those_others_can_write_without_sticky() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let set = |m: u32| {
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(m)).unwrap();
        };
        for (mode, shared) in [
            (0o700, false),
            (0o755, false),
            (0o775, true),
            (0o757, true),
            (0o1777, false),
            (0o770, true),
        ] {
            set(mode);
            assert_eq!(
                shared_writable(dir.path()).unwrap().is_some(),
                shared,
                "{mode:o}"
            );
        }
        set(0o700);
    }
}
