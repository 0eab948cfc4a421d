//! The terminal: setup, restore (on quit, error, panic, SIGTERM, SIGHUP) and the event
//! loop that turns keys, data and signals into [`Action`]s. Nothing else touches the
//! terminal.

use std::io::Write;
use std::time::Duration;

use base64::Engine;
use crossterm::event::{
    DisableMouseCapture, EnableMouseCapture, Event, EventStream, MouseButton, MouseEventKind,
};
use futures_util::StreamExt;
use jiff::Timestamp;
use ratatui::Terminal;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use crate::reader::app::{Action, App, Effect, update};
use crate::reader::screen::ScrollingBackend;
use crate::reader::{browser, input, ui};

/// The terminal the reader draws on: ratatui over a backend that scrolls lines that
/// moved instead of rewriting them (see [`crate::reader::screen`]).
type Screen = Terminal<ScrollingBackend<std::io::Stdout>>;

/// Restores the terminal when dropped, however the loop ends.
struct TerminalGuard {
    mouse: bool,
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        if self.mouse {
            let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
        }
        ratatui::restore();
    }
}

/// Turns mouse reporting off before ratatui's own panic hook restores the rest.
fn release_mouse_on_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
        previous(info);
    }));
}

/// What the loop asks of the rest of the reader (polls, the cache).
pub trait Edge {
    /// Carries out an effect the app cannot do itself (refresh, mark read).
    fn handle(&mut self, effect: &Effect);
}

/// Runs the reader until the user quits or a signal arrives; the terminal is restored
/// on every way out (ratatui's panic hook covers panics).
pub async fn run(
    mut app: App,
    mut actions: mpsc::UnboundedReceiver<Action>,
    edge: &mut dyn Edge,
    mouse: bool,
) -> anyhow::Result<()> {
    let mut terminate = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    // ratatui's own setup (raw mode, the alternate screen, its panic hook), then our
    // backend over the same stdout.
    drop(ratatui::try_init()?);
    let mut terminal: Screen = Terminal::new(ScrollingBackend::new(std::io::stdout())?)?;
    let _guard = TerminalGuard { mouse };
    if mouse {
        release_mouse_on_panic();
        crossterm::execute!(std::io::stdout(), EnableMouseCapture)?;
    }
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
    loop {
        if dirty {
            terminal.draw(|frame| ui::draw(frame, &app))?;
            let _ = write_hyperlinks(&ui::hyperlinks(&app));
            dirty = false;
        }
        let filtering = app.filtering();
        let grouping = app.grouping_behind();
        let action = tokio::select! {
            // Input first: a key waiting beats another step of a filter pass.
            biased;
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => input::action_for_key(&app, key),
                Some(Ok(Event::Resize(width, height))) => Some(Action::Resize { width, height }),
                Some(Ok(Event::Mouse(mouse))) => match mouse.kind {
                    MouseEventKind::ScrollDown => Some(Action::Scroll(3)),
                    MouseEventKind::ScrollUp => Some(Action::Scroll(-3)),
                    MouseEventKind::Down(MouseButton::Left) => Some(Action::Click(mouse.row)),
                    _ => None,
                },
                Some(Ok(_)) => None,
                // The terminal is gone: nothing more can be read or shown.
                Some(Err(_)) | None => Some(Action::Quit),
            },
            Some(action) = actions.recv() => Some(action),
            _ = terminate.recv() => Some(Action::Quit),
            _ = hangup.recv() => Some(Action::Quit),
            _ = interrupt.recv() => Some(Action::Quit),
            _ = minute.tick() => Some(Action::Tick(Timestamp::now())),
            // Nothing waits: run the filter pass a step further.
            () = std::future::ready(()), if filtering => Some(Action::FilterStep),
            // Nor a pass: group the rows that joined a step further.
            () = std::future::ready(()), if grouping && !filtering => Some(Action::GroupStep),
        };
        let Some(action) = action else { continue };
        let mut effects = update(&mut app, action);
        // Drain whatever else is waiting so a burst of polls costs one frame.
        while let Ok(action) = actions.try_recv() {
            effects.extend(update(&mut app, action));
        }
        dirty = true;
        for effect in effects {
            match &effect {
                Effect::Quit => {}
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
                    let notice = open_in_browser(&mut terminal, url, mouse);
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
            return Ok(());
        }
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
/// mouse tracking), then takes the terminal back.
fn open_in_browser(terminal: &mut Screen, url: &str, mouse: bool) -> String {
    let variable = std::env::var("BROWSER").ok();
    let commands = browser::commands(variable.as_deref(), url, &browser::installed);
    if commands.is_empty() {
        return "no browser: set $BROWSER (e.g. BROWSER=w3m) to open links".to_string();
    }
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    }
    ratatui::restore();
    let mut outcome = String::new();
    for words in &commands {
        let Some((program, args)) = words.split_first() else {
            continue;
        };
        match std::process::Command::new(program).args(args).status() {
            Ok(status) if status.success() => {
                outcome = format!("opened with {program}");
                break;
            }
            Ok(status) => outcome = format!("{program} exited with {status}"),
            // Not installed (or not runnable): the next one in the list.
            Err(err) => outcome = format!("cannot run {program}: {err}"),
        }
    }
    let reinit = ratatui::try_init().map(drop);
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
    }
    // The browser drew over the screen: start again from a blank one.
    let _ = terminal.clear();
    match reinit {
        Err(err) => format!("terminal: {err}"),
        Ok(()) => outcome,
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
