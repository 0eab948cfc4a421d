//! A ratatui backend that moves lines instead of rewriting them.
//!
//! When news arrives at the top of the list, or the list scrolls by a line, every row
//! on screen changes and ratatui's cell diff rewrites them all: a whole repaint (about
//! 5.5 KB at 120x40) for one new entry, over what may be a thin SSH link. This backend
//! remembers what the terminal shows. Before it writes a frame it looks for a block of
//! rows that moved up or down as a whole, moves them in the terminal with a scrolling
//! region (`CSI top;bottom r`, `CSI n T` or `CSI n S`, `CSI r`: VT100, understood by
//! every terminal and multiplexer in use), and then writes only the cells that still
//! differ.

use std::hash::{Hash, Hasher};
use std::io::{self, Write};
use std::ops::Range;

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};
use unicode_width::UnicodeWidthStr;

/// The most lines one frame may move: more than a burst of news, less than a page.
const MAX_SHIFT: u16 = 12;

/// Rows a move must save, at least, to be worth its escape sequences.
const MIN_GAIN: usize = 2;

/// A [`CrosstermBackend`] that scrolls regions of the screen when that saves writing.
pub struct ScrollingBackend<W: Write> {
    inner: CrosstermBackend<W>,
    /// The frame ratatui drew, whole (it sends only the cells that changed).
    frame: Buffer,
    /// What the terminal shows, as far as this backend has written it.
    shown: Buffer,
    /// A fixed size, for a writer that is not a terminal (tests, benches).
    fixed_size: Option<Size>,
    /// Where the cursor was last put.
    cursor: Position,
}

/// Rows `region` of the screen moved by `lines` (down when positive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    /// The rows that move (the rest stay put).
    pub region: Range<u16>,
    /// How far: down when positive, up when negative.
    pub lines: i32,
}

impl<W: Write> ScrollingBackend<W> {
    /// Writes to `writer`, a terminal: its size is asked of the terminal.
    pub fn new(writer: W) -> io::Result<ScrollingBackend<W>> {
        let inner = CrosstermBackend::new(writer);
        let size = inner.size()?;
        Ok(ScrollingBackend::with_parts(inner, size, None))
    }

    /// Writes to `writer` as if it were a terminal of `size` (for tests and benches).
    pub fn with_size(writer: W, size: Size) -> ScrollingBackend<W> {
        ScrollingBackend::with_parts(CrosstermBackend::new(writer), size, Some(size))
    }

    fn with_parts(inner: CrosstermBackend<W>, size: Size, fixed: Option<Size>) -> Self {
        let area = Rect::new(0, 0, size.width, size.height);
        ScrollingBackend {
            inner,
            frame: Buffer::empty(area),
            shown: Buffer::empty(area),
            fixed_size: fixed,
            cursor: Position::ORIGIN,
        }
    }

    /// Forgets what the screen shows (it was cleared) and takes the terminal's size.
    fn reset(&mut self) -> io::Result<()> {
        let size = self.size()?;
        let area = Rect::new(0, 0, size.width, size.height);
        self.frame = Buffer::empty(area);
        self.shown = Buffer::empty(area);
        Ok(())
    }
}

impl<W: Write> Backend for ScrollingBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        for (x, y, cell) in content {
            if let Some(slot) = self.frame.cell_mut(Position { x, y }) {
                slot.clone_from(cell);
            }
            // ratatui leaves out the cells a wide character covers (the terminal blanks
            // them as it prints it); its own buffer holds them reset.
            let width = u16::try_from(cell.symbol().width()).unwrap_or(1);
            for covered in x.saturating_add(1)..x.saturating_add(width) {
                if let Some(slot) = self.frame.cell_mut(Position { x: covered, y }) {
                    slot.reset();
                }
            }
        }
        if let Some(shift) = best_shift(&self.shown, &self.frame) {
            let count = shift.lines.unsigned_abs();
            // Set the region, move its lines (new ones come in blank), reset the region.
            write!(
                self.inner,
                "\x1b[{};{}r\x1b[{count}{}\x1b[r",
                shift.region.start + 1,
                shift.region.end,
                if shift.lines > 0 { 'T' } else { 'S' }
            )?;
            apply_shift(&mut self.shown, &shift);
        }
        self.inner.draw(self.shown.diff(&self.frame).into_iter())?;
        self.shown.content.clone_from(&self.frame.content);
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    /// Where the cursor was last put, not asked of the terminal: the question
    /// (`CSI 6n`) waits up to 2 s for an answer that the reader's event stream may read
    /// first, and ratatui asks it on every `clear` (after a suspend, after `o`).
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let position = position.into();
        self.inner.set_cursor_position(position)?;
        self.cursor = position;
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()?;
        self.reset()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)?;
        // Only a whole clear is tracked; anything else, and the next frame is written
        // in full.
        self.reset()
    }

    fn size(&self) -> io::Result<Size> {
        match self.fixed_size {
            Some(size) => Ok(size),
            None => self.inner.size(),
        }
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        match self.fixed_size {
            Some(size) => Ok(WindowSize {
                columns_rows: size,
                pixels: Size::default(),
            }),
            None => self.inner.window_size(),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

/// A hash of row `y` without its last column (where a scrollbar changes as the list
/// moves, which must not hide that the rest of the row moved).
fn row_hash(buffer: &Buffer, y: u16) -> u64 {
    let width = usize::from(buffer.area.width);
    let start = usize::from(y) * width;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for cell in &buffer.content[start..start + width.saturating_sub(1)] {
        cell.symbol().hash(&mut hasher);
        cell.fg.hash(&mut hasher);
        cell.bg.hash(&mut hasher);
        cell.modifier.hash(&mut hasher);
    }
    hasher.finish()
}

/// The move of a block of rows that turns most of `shown` into `frame`, if one saves
/// at least `MIN_GAIN` rows over writing in place. Regions tried: the whole screen,
/// or all but its first row and / or its last one or two (a title, a status line).
pub fn best_shift(shown: &Buffer, frame: &Buffer) -> Option<Shift> {
    if shown.area != frame.area || frame.area.height < 4 || frame.area.width < 2 {
        return None;
    }
    let height = frame.area.height;
    let old: Vec<u64> = (0..height).map(|y| row_hash(shown, y)).collect();
    let new: Vec<u64> = (0..height).map(|y| row_hash(frame, y)).collect();
    let same = |new_row: u16, old_row: u16| new[usize::from(new_row)] == old[usize::from(old_row)];
    let mut best: Option<(usize, Shift)> = None;
    for top in [0, 1] {
        for bottom in [height, height - 1, height - 2] {
            if bottom < top + 4 {
                continue;
            }
            let in_place = (top..bottom).filter(|&y| same(y, y)).count();
            let most = MAX_SHIFT.min((bottom - top) / 2);
            for count in 1..=most {
                let down = (top + count..bottom)
                    .filter(|&y| same(y, y - count))
                    .count();
                let up = (top..bottom - count)
                    .filter(|&y| same(y, y + count))
                    .count();
                for (kept, lines) in [(down, i32::from(count)), (up, -i32::from(count))] {
                    let gain = kept.saturating_sub(in_place);
                    if gain >= MIN_GAIN && best.as_ref().is_none_or(|(most, _)| gain > *most) {
                        best = Some((
                            gain,
                            Shift {
                                region: top..bottom,
                                lines,
                            },
                        ));
                    }
                }
            }
        }
    }
    best.map(|(_, shift)| shift)
}

/// Moves rows in `buffer` as the terminal does for `shift`: the lines that come in
/// are blank.
pub fn apply_shift(buffer: &mut Buffer, shift: &Shift) {
    let width = usize::from(buffer.area.width);
    let row = |y: u16| usize::from(y) * width..(usize::from(y) + 1) * width;
    let Range {
        start: top,
        end: bottom,
    } = shift.region.clone();
    let count = u16::try_from(shift.lines.unsigned_abs()).unwrap_or(u16::MAX);
    if count >= bottom.saturating_sub(top) {
        for y in top..bottom {
            buffer.content[row(y)].fill(Cell::EMPTY);
        }
        return;
    }
    if shift.lines > 0 {
        for y in (top + count..bottom).rev() {
            let from = row(y - count);
            buffer.content.copy_within_clone(from, row(y).start);
        }
        for y in top..top + count {
            buffer.content[row(y)].fill(Cell::EMPTY);
        }
    } else {
        for y in top..bottom - count {
            let from = row(y + count);
            buffer.content.copy_within_clone(from, row(y).start);
        }
        for y in bottom - count..bottom {
            buffer.content[row(y)].fill(Cell::EMPTY);
        }
    }
}

/// `copy_within` for cells, which are `Clone` but not `Copy`.
trait CopyWithinClone {
    fn copy_within_clone(&mut self, from: Range<usize>, to: usize);
}

impl CopyWithinClone for Vec<Cell> {
    fn copy_within_clone(&mut self, from: Range<usize>, to: usize) {
        for (offset, index) in from.enumerate() {
            let cell = self[index].clone();
            self[to + offset] = cell;
        }
    }
}
