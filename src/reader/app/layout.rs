//! Where things go on a screen of a given size: the app needs it to page and scroll,
//! the drawing to draw.

use ratatui::layout::Rect;

/// Where things go on a screen of a given size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    /// The list, or the detail view.
    pub list: Rect,
    /// The one-line status bar (filter, counts, errors).
    pub status: Rect,
}

/// Splits the screen: everything but the last row is the list.
pub fn layout(width: u16, height: u16) -> Areas {
    let list_height = height.saturating_sub(1);
    Areas {
        list: Rect::new(0, 0, width, list_height),
        status: Rect::new(0, list_height, width, height.min(1)),
    }
}
