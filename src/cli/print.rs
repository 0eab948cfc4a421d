//! Printing entries for the headless commands: text or `--json` lines, and noticing a
//! reader of the pipe that has gone away.

use std::io::{self, Write};

use crate::config::Config;
use crate::model::Item;
use crate::output::{write_json, write_json_grouped, write_text};

pub fn print_item(
    out: &mut dyn Write,
    source: &str,
    item: &Item,
    json: bool,
    config: &Config,
) -> io::Result<()> {
    if json {
        write_json(out, source, item)
    } else {
        write_text(out, source, item, &config.timezone)
    }
}

/// As [`print_item`], with the entry's group id in `--json` (`group`, null when
/// alone); the text form does not show it.
pub fn print_grouped(
    out: &mut dyn Write,
    source: &str,
    item: &Item,
    json: bool,
    config: &Config,
    group: Option<&str>,
) -> io::Result<()> {
    if json {
        write_json_grouped(out, source, item, group)
    } else {
        write_text(out, source, item, &config.timezone)
    }
}

/// True when stdout is a pipe whose reading end has closed (`poll` reports an error or
/// hang-up on it). A terminal or a file never reports that.
pub fn stdout_closed() -> bool {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let stdout = std::io::stdout();
    let mut fds = [PollFd::new(&stdout, PollFlags::empty())];
    let zero = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    poll(&mut fds, Some(&zero)).is_ok()
        && fds[0].revents().intersects(PollFlags::ERR | PollFlags::HUP)
}
