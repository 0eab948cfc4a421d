//! Drawing: reads an `&App`, never changes it.
//!
//! Every string from an entry passes through `sanitize` again here (parsers already
//! cleaned it; a cache written by an older version might not have been).

mod detail;
mod list;
mod panels;
mod status;
mod theme;
mod widgets;

use ratatui::Frame;

use crate::reader::app::{App, View, layout};
use detail::draw_detail;
use list::draw_list;
use panels::{draw_help, draw_saved_filters, draw_sources};
use status::{draw_long_notice, draw_status};

pub use detail::{detail_lines, hyperlinks};
pub use list::fit;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let area = frame.area();
    let areas = layout(area.width, area.height);
    match &app.view {
        View::Detail { key, scroll } => match app.find_row(key) {
            Some(row) => draw_detail(frame, areas.list, app, row, *scroll),
            None => draw_list(frame, areas.list, app),
        },
        View::Sources => draw_sources(frame, areas.list, app),
        View::List => draw_list(frame, areas.list, app),
        View::Help => {
            draw_list(frame, areas.list, app);
            draw_help(frame, areas.list, app);
        }
        View::SavedFilters { selected } => {
            draw_list(frame, areas.list, app);
            draw_saved_filters(frame, areas.list, app, *selected);
        }
    }
    draw_long_notice(frame, areas.list, app);
    draw_status(frame, areas.status, app);
}
