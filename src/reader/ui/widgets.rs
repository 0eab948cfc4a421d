//! Small pieces shared by the views: a scrollbar, a box centred on the screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Scrollbar, ScrollbarOrientation, ScrollbarState};

/// A scrollbar on the right of `area` when `total` lines do not fit, at `position`.
pub(super) fn draw_scrollbar(frame: &mut Frame<'_>, area: Rect, total: usize, position: usize) {
    let height = usize::from(area.height);
    if total <= height || area.width <= 20 {
        return;
    }
    let mut state = ScrollbarState::new(total - height).position(position);
    let scrollbar = Scrollbar::new(ScrollbarOrientation::VerticalRight)
        .begin_symbol(None)
        .end_symbol(None);
    frame.render_stateful_widget(scrollbar, area, &mut state);
}

/// A box centred in `area`, at most `width` x `height`.
pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}
