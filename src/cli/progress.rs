//! Progress of `edxc apply` on stderr: a progress bar over the run's tasks when stderr is a terminal, plain lines
//! otherwise (cron, Jenkins, a pipe), nothing with `--quiet`. One line per finished task either way.

use crate::engine::TaskReport;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

pub struct Progress {
    bar: Option<ProgressBar>,
    quiet: bool,
}

impl Progress {
    /// Progress over `tasks` tasks.
    pub fn new(tasks: usize, quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(tasks as u64), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} tasks {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Self { bar, quiet }
    }

    /// A line above the bar (or on its own).
    pub fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None if !self.quiet => eprintln!("{text}"),
            None => {}
        }
    }

    /// A task finished.
    pub fn task(&self, t: &TaskReport) {
        if self.quiet {
            return;
        }
        let parts = match t.partitions.len() {
            0 => String::new(),
            1 => format!(" dt={}", t.partitions[0]),
            n => format!(" {n} partitions"),
        };
        let note = t.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
        self.line(&format!(
            "  {:<7} {:<42} {:>8} rows{parts}{note} [{:.2}s]",
            t.kind,
            t.table,
            t.rows,
            t.elapsed.as_secs_f64()
        ));
        for (reason, n) in &t.skipped {
            self.line(&format!("          skipped {n} row(s): {reason}"));
        }
        if let Some(bar) = &self.bar {
            bar.inc(1);
            bar.set_message(format!("{} {}", t.kind, t.table));
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
