//! The event loop that turns keys, data and signals into [`Action`]s and draws, with
//! the terminal taken and given back through [`crate::reader::tty`] (on quit, error,
//! panic, SIGTERM, SIGINT; suspended on SIGTSTP and `ctrl-z`, taken again on SIGCONT;
//! after SIGHUP or a dead terminal, nothing more is written to it).

use std::io::Write;
use std::time::{Duration, Instant};

use base64::Engine;
use crossterm::event::{Event, EventStream, MouseButton, MouseEventKind};
use futures_util::StreamExt;
use jiff::Timestamp;
use ratatui::Terminal;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tokio::sync::mpsc;

use crate::reader::app::{Action, App, Effect, update};
use crate::reader::screen::ScrollingBackend;
use crate::reader::{browser, input, tty, ui};

/// How long after a browser that was stopped the SIGTSTP and SIGCONT of its stop may
/// still arrive.
const IGNORE_STOP_FOR: Duration = Duration::from_secs(2);

/// The terminal the reader draws on: ratatui over a backend that scrolls lines that
/// moved instead of rewriting them (see [`crate::reader::screen`]).
type Screen = Terminal<ScrollingBackend<std::io::Stdout>>;

/// What the loop asks of the rest of the reader (polls, the cache).
pub trait Edge {
    /// Carries out an effect the app cannot do itself (refresh, mark read).
    fn handle(&mut self, effect: &Effect);
}

/// How the loop ended.
enum Ending {
    /// The user quit, or SIGTERM / SIGINT: give the terminal back.
    Quit,
    /// The terminal is gone (SIGHUP, end of input, a write that failed with `EIO`):
    /// nothing more is written to it.
    HungUp,
}

/// The signals the reader answers.
struct Signals {
    terminate: Signal,
    hangup: Signal,
    interrupt: Signal,
    /// SIGTSTP (`kill -TSTP`, or `ctrl-z` while a child has the terminal cooked).
    stop: Signal,
    /// SIGCONT: continued after a stop, by us or by anyone (SIGSTOP cannot be caught).
    resume: Signal,
}

impl Signals {
    fn new() -> std::io::Result<Signals> {
        let raw = |signal: rustix::process::Signal| SignalKind::from_raw(signal.as_raw());
        Ok(Signals {
            terminate: signal(SignalKind::terminate())?,
            hangup: signal(SignalKind::hangup())?,
            interrupt: signal(SignalKind::interrupt())?,
            stop: signal(raw(rustix::process::Signal::TSTP))?,
            resume: signal(raw(rustix::process::Signal::CONT))?,
        })
    }
}

/// Runs the reader until the user quits, a signal arrives or the terminal hangs up;
/// the terminal is given back on every way out (panics included), and after a hang-up
/// nothing more is written to it (the caller then lets the cache worker finish).
pub async fn run(
    app: App,
    actions: mpsc::UnboundedReceiver<Action>,
    edge: &mut dyn Edge,
    mouse: bool,
) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let mut signals = Signals::new()?;
    // Told now: after a hang-up, asking a dead terminal says "not a terminal".
    let stderr_on_terminal = std::io::stderr().is_terminal();
    tty::restore_on_panic();
    let guard = tty::Guard;
    tty::enter(mouse)?;
    let mut terminal: Screen = Terminal::new(ScrollingBackend::new(std::io::stdout())?)?;
    let ending = event_loop(&mut terminal, app, actions, edge, &mut signals, mouse).await;
    // A terminal found gone on the way out (SIGTERM as the link drops) counts too.
    let gone = matches!(ending, Ok(Ending::HungUp))
        || terminal.show_cursor().is_err_and(|err| tty::is_gone(&err));
    if gone {
        tracing::info!("the terminal hung up: leaving");
        // Whatever is still written on the way out (ratatui shows the cursor when the
        // terminal is dropped) must go nowhere rather than fail.
        tty::leave();
        tty::detach(stderr_on_terminal);
    }
    drop(terminal);
    drop(guard);
    ending.map(|_| ())
}

/// Turns keys, data and signals into actions and draws, until the reader ends.
async fn event_loop(
    terminal: &mut Screen,
    mut app: App,
    mut actions: mpsc::UnboundedReceiver<Action>,
    edge: &mut dyn Edge,
    signals: &mut Signals,
    mouse: bool,
) -> anyhow::Result<Ending> {
    let size = terminal.size()?;
    update(
        &mut app,
        Action::Resize {
            width: size.width,
            height: size.height,
        },
    );

    let mut events = EventStream::new();
    // Times on screen are minutes: waking once a minute is enough.
    let mut minute = tokio::time::interval(Duration::from_secs(60));
    minute.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut dirty = true;
    // The SIGTSTP and SIGCONT caught while a browser had the terminal (and was stopped
    // with it) arrive after it: they are ignored until then (the browser's return
    // already took the terminal back).
    let mut browser_stopped_until: Option<Instant> = None;
    loop {
        if dirty {
            match terminal.draw(|frame| ui::draw(frame, &app)) {
                Ok(_) => {}
                Err(err) if tty::is_gone(&err) => return Ok(Ending::HungUp),
                Err(err) => return Err(err.into()),
            }
            let _ = write_hyperlinks(&ui::hyperlinks(&app));
            dirty = false;
        }
        let filtering = app.filter_work_left();
        let grouping = app.grouping_behind();
        let sweeping = app.ready_work_left();
        let action = tokio::select! {
            // Input first: a key waiting beats another step of a filter pass.
            biased;
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => input::action_for_key(&app, key),
                Some(Ok(Event::Paste(text))) => input::action_for_paste(&app, &text),
                Some(Ok(Event::Resize(width, height))) => Some(Action::Resize { width, height }),
                Some(Ok(Event::Mouse(mouse))) => match mouse.kind {
                    MouseEventKind::ScrollDown => Some(Action::Scroll(3)),
                    MouseEventKind::ScrollUp => Some(Action::Scroll(-3)),
                    MouseEventKind::Down(MouseButton::Left) => Some(Action::Click(mouse.row)),
                    _ => None,
                },
                Some(Ok(_)) => None,
                // The terminal is gone: nothing more can be read or shown.
                Some(Err(_)) | None => return Ok(Ending::HungUp),
            },
            _ = signals.hangup.recv() => return Ok(Ending::HungUp),
            Some(action) = actions.recv() => Some(action),
            _ = signals.terminate.recv() => Some(Action::Quit),
            _ = signals.interrupt.recv() => Some(Action::Quit),
            _ = signals.stop.recv() => {
                browser_stopped_until.is_none_or(|until| Instant::now() >= until)
                    .then_some(Action::Suspend)
            }
            // Continued (after our own stop, or a SIGSTOP from outside, which left the
            // terminal as the shell set it): take the terminal again, redraw it all.
            _ = signals.resume.recv() => {
                browser_stopped_until.is_none_or(|until| Instant::now() >= until)
                    .then(|| resume(terminal, mouse))
            }
            _ = minute.tick() => Some(Action::Tick(Timestamp::now())),
            // Nothing waits: run the filter pass a step further.
            () = std::future::ready(()), if filtering => Some(Action::FilterStep),
            // Nor a pass: group the rows that joined a step further.
            () = std::future::ready(()), if grouping && !filtering => Some(Action::GroupStep),
            // Nor grouping: keep the filters kept ready a step further.
            () = std::future::ready(()), if sweeping && !grouping && !filtering => {
                Some(Action::ReadyStep)
            }
        };
        let Some(action) = action else { continue };
        // A sweep for the filters kept ready changes nothing on screen.
        let mut redraw = !matches!(action, Action::ReadyStep);
        let mut effects = update(&mut app, action);
        // Drain whatever else is waiting so a burst of polls costs one frame.
        while let Ok(action) = actions.try_recv() {
            effects.extend(update(&mut app, action));
            redraw = true;
        }
        dirty = redraw || !effects.is_empty();
        for effect in effects {
            match &effect {
                Effect::Quit => {}
                Effect::Suspend => {
                    let stopped = tty::suspend();
                    if stopped.is_ok() {
                        // Continued: take the SIGCONT here, so the screen is redrawn once.
                        let _ = tokio::time::timeout(Duration::from_secs(1), signals.resume.recv())
                            .await;
                    }
                    let resumed = resume(terminal, mouse);
                    update(&mut app, resumed);
                    if let Err(err) = stopped {
                        update(&mut app, Action::Notice(format!("cannot suspend: {err}")));
                    }
                }
                Effect::CopyLink(url) => {
                    let in_tmux = std::env::var_os("TMUX").is_some();
                    let notice = match copy_osc52(url, in_tmux) {
                        Ok(()) if in_tmux => {
                            "link sent to the clipboard (OSC 52; tmux needs set-clipboard on)"
                                .to_string()
                        }
                        Ok(()) => "link sent to the terminal's clipboard (OSC 52)".to_string(),
                        Err(err) => format!("cannot copy: {err}"),
                    };
                    update(&mut app, Action::Notice(notice));
                }
                Effect::OpenLink(url) => {
                    let (notice, was_stopped) = open_in_browser(terminal, url, mouse);
                    if was_stopped {
                        browser_stopped_until = Some(Instant::now() + IGNORE_STOP_FOR);
                    }
                    update(&mut app, Action::Notice(notice));
                }
                Effect::Alert(entry) => {
                    let _ = notify(entry);
                    edge.handle(&effect);
                }
                Effect::Refresh(_)
                | Effect::MarkRead(..)
                | Effect::MarkAllRead(_)
                | Effect::MarkUnread(..)
                | Effect::SearchCache { .. }
                | Effect::AddSource(_)
                | Effect::PollSource(_)
                | Effect::RemoveSource(_) => edge.handle(&effect),
            }
        }
        if app.quit {
            return Ok(Ending::Quit);
        }
    }
}

/// After the process was continued: the terminal in the reader's modes again, a blank
/// screen for the next frame to fill whole, and the terminal's size now (it may have
/// changed while the reader was stopped).
fn resume(terminal: &mut Screen, mouse: bool) -> Action {
    if let Err(err) = tty::enter(mouse) {
        return Action::Notice(format!("terminal: {err}"));
    }
    let _ = terminal.clear();
    match terminal.size() {
        Ok(size) => Action::Resize {
            width: size.width,
            height: size.height,
        },
        Err(err) => Action::Notice(format!("terminal: {err}")),
    }
}

/// Rings the bell and raises a desktop notification (OSC 9 and OSC 777, which most
/// terminals that show notifications understand; others ignore them). The text is
/// cleaned, so an entry cannot end the sequence early or smuggle in another.
fn notify(entry: &crate::model::Entry) -> std::io::Result<()> {
    let clean = |text: &str| crate::sanitize::clean_line(text).replace(';', ",");
    let title = clean(&entry.source.0);
    let body = clean(&entry.item.display_title());
    let mut stdout = std::io::stdout();
    stdout.write_all(
        format!("\x07\x1b]9;{title}: {body}\x07\x1b]777;notify;{title};{body}\x07").as_bytes(),
    )?;
    stdout.flush()
}

/// Rewrites each URL on screen in place, wrapped in an OSC 8 hyperlink: the same
/// characters at the same cells, now clickable in terminals that support it (others
/// ignore the sequence). The cursor is saved and restored around it.
fn write_hyperlinks(links: &[(u16, u16, String)]) -> std::io::Result<()> {
    if links.is_empty() {
        return Ok(());
    }
    let mut bytes = String::from("\x1b7");
    for (column, row, url) in links {
        bytes.push_str(&format!(
            "\x1b[{};{}H\x1b]8;;{url}\x1b\\\x1b[4m{url}\x1b[24m\x1b]8;;\x1b\\",
            row + 1,
            column + 1
        ));
    }
    bytes.push_str("\x1b8");
    let mut stdout = std::io::stdout();
    stdout.write_all(bytes.as_bytes())?;
    stdout.flush()
}

/// Sends `text` to the terminal's clipboard with OSC 52 (works over SSH). Inside tmux
/// the sequence is also sent wrapped for tmux to pass on to the outer terminal (with
/// `allow-passthrough on`); `set-clipboard on` makes tmux take the plain one itself.
/// Whether the terminal acted on it cannot be known, so the notice says what was sent.
fn copy_osc52(text: &str, in_tmux: bool) -> std::io::Result<()> {
    std::io::stdout().write_all(osc52(text, in_tmux).as_bytes())?;
    std::io::stdout().flush()
}

/// The bytes [`copy_osc52`] writes.
fn osc52(text: &str, in_tmux: bool) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let plain = format!("\x1b]52;c;{encoded}\x07");
    if in_tmux {
        // DCS tmux; <the sequence with each ESC doubled> ST
        format!("{plain}\x1bPtmux;\x1b\x1b]52;c;{encoded}\x07\x1b\\")
    } else {
        plain
    }
}

/// Opens `url` with the first `$BROWSER` command that runs (see [`browser`]), the
/// terminal handed over (a text browser needs it: raw mode off, the main screen, no
/// mouse tracking), then takes the terminal back. Also says whether the browser was
/// stopped on the way (the SIGTSTP the reader caught then was not for it).
fn open_in_browser(terminal: &mut Screen, url: &str, mouse: bool) -> (String, bool) {
    let variable = std::env::var("BROWSER").ok();
    let commands = browser::commands(variable.as_deref(), url, &browser::installed);
    if commands.is_empty() {
        return (
            "no browser: set $BROWSER (e.g. BROWSER=w3m) to open links".to_string(),
            false,
        );
    }
    tty::leave();
    let mut outcome = String::new();
    let mut was_stopped = false;
    for words in &commands {
        let Some((program, args)) = words.split_first() else {
            continue;
        };
        match tty::run_in_foreground(crate::reader::child_env::as_before(
            std::process::Command::new(program).args(args),
        )) {
            Ok(finished) => {
                was_stopped |= finished.was_stopped;
                if finished.success {
                    outcome = format!("opened with {program}");
                    break;
                }
                outcome = format!("{program} exited with {}", finished.status);
            }
            // Not installed (or not runnable): the next one in the list.
            Err(err) => outcome = format!("cannot run {program}: {err}"),
        }
    }
    let reinit = tty::enter(mouse);
    // The browser drew over the screen: start again from a blank one.
    let _ = terminal.clear();
    match reinit {
        Err(err) => (format!("terminal: {err}"), was_stopped),
        Ok(()) => (outcome, was_stopped),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_plain_and_wrapped_for_tmux() {
        assert_eq!(osc52("hi", false), "\x1b]52;c;aGk=\x07");
        assert_eq!(
            osc52("hi", true),
            "\x1b]52;c;aGk=\x07\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"
        );
    }
}
