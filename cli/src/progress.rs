//! Live deploy progress (`Applying 20250101120000_init … done (12 ms)`) from the migrator's own `tracing`
//! span and events, so the library needs no callback API: a `migration` span opens before each script, and an
//! `applied migration` (with `duration_ms`) or `migration failed` event closes it.
//!
//! The subscriber is installed only around the deploy future (`WithSubscriber`), and only when the program has
//! no global subscriber of its own (an application running `cli::run` keeps its logs); then the lines are
//! printed from the deploy report instead, after the fact.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::{Interest, Subscriber};
use tracing::{Event, Metadata};

use crate::output::{Printer, human_duration};

const TARGET: &str = "prisma_migrations::migrator";

/// What the deploy did so far, as seen through its events.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    /// Applied migrations with their durations in ms.
    pub applied: Vec<(String, u64)>,
    /// The migration that failed.
    pub failed: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Progress {
    printer: Printer,
    seen: Arc<Mutex<Seen>>,
    next_id: AtomicU64,
}

impl Progress {
    /// A subscriber that prints through `printer` (nothing in JSON mode) and records into `seen`.
    pub fn new(printer: Printer, seen: Arc<Mutex<Seen>>) -> Self {
        Self { printer, seen, next_id: AtomicU64::new(1) }
    }

    /// Whether live progress may be used: not when the program installed its own global subscriber.
    pub fn available() -> bool {
        !tracing::dispatcher::has_been_set()
    }

    /// The line printed when a migration starts.
    pub fn start_line(p: Printer, name: &str) -> String {
        format!("Applying {} … ", p.out.cyan(name))
    }

    /// The end of that line on success.
    pub fn done_line(p: Printer, ms: u64) -> String {
        format!(
            "{} {}",
            p.out.green("done"),
            p.out.dim(&format!("({})", human_duration(std::time::Duration::from_millis(ms))))
        )
    }
}

#[derive(Default)]
struct Fields {
    message: String,
    name: Option<String>,
    duration_ms: Option<u64>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "name" => self.name = Some(value.to_owned()),
            "message" => value.clone_into(&mut self.message),
            _ => {}
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "duration_ms" {
            self.duration_ms = Some(value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        match field.name() {
            "message" => self.message = format!("{value:?}"),
            // A `name` recorded through Debug is quoted.
            "name" if self.name.is_none() => self.name = Some(format!("{value:?}").trim_matches('"').to_owned()),
            _ => {}
        }
    }
}

impl Subscriber for Progress {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if metadata.target() == TARGET { Interest::always() } else { Interest::never() }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target() == TARGET
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        if span.metadata().name() == "migration" {
            let mut f = Fields::default();
            span.record(&mut f);
            if let Some(name) = f.name {
                self.printer.partial(&Self::start_line(self.printer, &name));
            }
        }
        Id::from_u64(self.next_id.fetch_add(1, Ordering::Relaxed))
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut f = Fields::default();
        event.record(&mut f);
        let Some(name) = f.name else { return };
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        match f.message.as_str() {
            "applied migration" => {
                let ms = f.duration_ms.unwrap_or_default();
                self.printer.line(&Self::done_line(self.printer, ms));
                seen.applied.push((name, ms));
            }
            "migration failed" => {
                self.printer.line(&self.printer.out.red("failed"));
                seen.failed = Some(name);
            }
            _ => {}
        }
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}
