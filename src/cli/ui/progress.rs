//! Progress bars on standard error for long work (import, verify, export,
//! bench-gen). A bar is made only when stderr is a terminal and `--quiet`
//! was not given, and it stays hidden until the work has taken a second, so
//! quick commands never flash one. It is cleared before the command prints
//! its result, and when it is dropped (on an error too).
//!
//! The library reports progress through [`crate::app::Progress`]; this is
//! the only place that draws.

use crate::cli::Global;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::cell::Cell;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How long work runs before its bar appears.
const DEFAULT_DELAY: Duration = Duration::from_secs(1);

/// Environment variable that overrides `DEFAULT_DELAY`, in milliseconds.
/// Meant for tests (which cannot wait for slow work); it changes nothing but
/// when the bar appears.
pub const DELAY_ENV: &str = "KAMERSTAND_PROGRESS_DELAY_MS";

/// A progress display for one command run; does nothing when disabled.
#[derive(Debug)]
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    /// Set when a step begins, until its first count is drawn on a visible
    /// bar: drawn at once, not at the next tick, so that even a short step
    /// shows.
    fresh: Cell<bool>,
    stop: Option<mpsc::Sender<()>>,
    waiter: Option<JoinHandle<()>>,
}

fn delay() -> Duration {
    std::env::var(DELAY_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(DEFAULT_DELAY, Duration::from_millis)
}

impl Progress {
    /// A display that never draws.
    pub(crate) fn none() -> Progress {
        Progress {
            bar: None,
            fresh: Cell::new(false),
            stop: None,
            waiter: None,
        }
    }

    /// Starts the clock for a command's progress display (drawn only if
    /// the command allows it: stderr a terminal, no `--quiet`).
    pub(crate) fn start(g: &Global) -> Progress {
        if !g.progress {
            return Progress::none();
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(spinner("starting"));
        let wait = delay();
        if wait.is_zero() {
            // No delay (tests): shown at once, without a race against the
            // waiting thread.
            show(&bar);
            return Progress {
                bar: Some(bar),
                fresh: Cell::new(false),
                stop: None,
                waiter: None,
            };
        }
        let shown = bar.clone();
        let (stop, stopped) = mpsc::channel::<()>();
        // Shows the bar once the delay has passed, unless the work ended
        // first.
        let waiter = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || {
                if let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(wait) {
                    show(&shown);
                }
            })
            .ok();
        Progress {
            bar: Some(bar),
            fresh: Cell::new(false),
            stop: Some(stop),
            waiter,
        }
    }

    /// Begins a measured step: `what` is the text before the bar and
    /// `unit` names what is counted.
    pub(crate) fn phase(&self, what: &str, unit: &str) {
        if let Some(bar) = &self.bar {
            // The texts are part of the template, and the style is changed
            // before the counts are reset, so that no in-between state is
            // drawn (set_style does not draw).
            let template = format!(
                "{} [{{wide_bar}}] {{human_pos}}/{{human_len}} {} ({{per_sec:0}}, ETA {{eta}})",
                literal(what),
                literal(unit)
            );
            let style = ProgressStyle::with_template(&template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            bar.set_style(style);
            bar.reset_elapsed();
            bar.update(|s| {
                s.set_len(0);
                s.set_pos(0);
            });
            self.fresh.set(true);
        }
    }

    /// Begins a step whose size is unknown: a spinner and the time taken.
    pub(crate) fn spin(&self, what: &str) {
        if let Some(bar) = &self.bar {
            bar.set_style(spinner(what));
            bar.reset_elapsed();
            bar.update(|s| s.set_pos(0));
            bar.force_draw();
        }
    }

    /// `done` of `total` in the current step.
    pub(crate) fn update(&self, done: u64, total: u64) {
        if let Some(bar) = &self.bar {
            bar.update(|s| {
                s.set_len(total);
                s.set_pos(done);
            });
            // Between steady ticks nothing is drawn; the first count of a
            // step is drawn at once (once the bar is shown), so that every
            // step shows, however short.
            if self.fresh.get() && !bar.is_hidden() {
                self.fresh.set(false);
                bar.force_draw();
            }
        }
    }

    /// Clears the bar (if it was shown) and stops drawing.
    pub(crate) fn finish(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(w) = self.waiter.take() {
            let _ = w.join();
        }
        if let Some(bar) = self.bar.take() {
            bar.disable_steady_tick();
            bar.finish_and_clear();
        }
    }
}

/// Makes the bar visible on stderr and draws it; the steady tick keeps
/// rate, ETA and spinner moving while the library is between callbacks.
fn show(bar: &ProgressBar) {
    bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(10));
    bar.enable_steady_tick(Duration::from_millis(200));
    bar.force_draw();
}

/// `s` as literal text in a template.
fn literal(s: &str) -> String {
    s.replace(['{', '}'], "")
}

/// A spinner, `what` and the time taken so far.
fn spinner(what: &str) -> ProgressStyle {
    ProgressStyle::with_template(&format!("{{spinner}} {} ({{elapsed}})", literal(what)))
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

impl crate::app::Progress for Progress {
    fn phase(&self, what: &str, unit: &str) {
        Progress::phase(self, what, unit);
    }
    fn spin(&self, what: &str) {
        Progress::spin(self, what);
    }
    fn update(&self, done: u64, total: u64) {
        Progress::update(self, done, total);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
