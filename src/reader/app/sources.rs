//! Sources joining and leaving while the reader runs: `a` asks for a page's URL, the
//! sources panel's `d` asks before it takes one out; a removed source's entries leave
//! the list (they stay in the cache, for `list --filter`).

use super::state::{App, Effect, Prompt, Row, SourceView, View};
use crate::model::SourceId;
use crate::store::SourceState;

impl App {
    /// Starts asking for a URL to follow.
    pub(super) fn start_add_source(&mut self) {
        self.filter.editing = false;
        self.prompt = Some(Prompt::AddSource(String::new()));
    }

    /// In the sources panel: asks whether to remove the selected source.
    pub(super) fn ask_remove_source(&mut self) {
        if let Some(source) = self.sources.get(self.source_selected) {
            self.prompt = Some(Prompt::ConfirmRemove(source.id.clone()));
        }
    }

    /// A character typed into the question (only the URL takes text).
    pub(super) fn prompt_char(&mut self, c: char) {
        if let Some(Prompt::AddSource(url)) = &mut self.prompt {
            url.push(c);
        }
    }

    /// Deletes the last character of the URL.
    pub(super) fn prompt_backspace(&mut self) {
        if let Some(Prompt::AddSource(url)) = &mut self.prompt {
            url.pop();
        }
    }

    /// Clears the URL typed so far.
    pub(super) fn prompt_clear(&mut self) {
        if let Some(Prompt::AddSource(url)) = &mut self.prompt {
            url.clear();
        }
    }

    /// Answers the question: the URL is looked at, or the source goes.
    pub(super) fn prompt_accept(&mut self) -> Vec<Effect> {
        match self.prompt.take() {
            Some(Prompt::AddSource(url)) => {
                let url = url.trim().to_string();
                if url.is_empty() {
                    return Vec::new();
                }
                self.notice = Some(format!("looking for something to follow at {url}…"));
                vec![Effect::AddSource(url)]
            }
            Some(Prompt::ConfirmRemove(id)) => {
                self.forget_source(&id);
                self.notice = Some(format!("removed {id}"));
                vec![Effect::RemoveSource(id)]
            }
            None => Vec::new(),
        }
    }

    /// A source added while the reader runs; its entries arrive with its first poll.
    pub(super) fn source_added(&mut self, id: SourceId, notice: String) {
        // The first run's advice has been taken.
        self.welcome = None;
        if !self.sources.iter().any(|source| source.id == id) {
            self.sources.push(SourceView {
                id,
                enabled: true,
                state: SourceState::default(),
                entries: 0,
                unread: 0,
                next_poll: None,
            });
        }
        self.notice = Some(notice);
    }

    /// Takes a source out of the reader: its panel row and its entries in the list.
    pub(super) fn forget_source(&mut self, id: &SourceId) {
        self.sources.retain(|source| &source.id != id);
        self.source_selected = self
            .source_selected
            .min(self.sources.len().saturating_sub(1));
        if let View::Detail { key, .. } = &self.view
            && &key.0 == id
        {
            self.view = View::List;
        }
        // The cache's older matches are the tail of `rows`: count what leaves from it.
        let tail = self.rows.len().saturating_sub(self.cache_rows);
        let leaving_tail = self
            .rows
            .range(tail..)
            .filter(|row| *row.source == *id.0)
            .count();
        self.cache_rows -= leaving_tail;
        let (leaving, staying): (Vec<Row>, Vec<Row>) = std::mem::take(&mut self.rows)
            .into_iter()
            .partition(|row| *row.source == *id.0);
        self.rows = staying.into();
        self.release_all(&leaving);
        self.alerted.retain(|key| &key.0 != id);
        self.recount_sources();
        self.regroup_after_removal();
        self.refilter();
    }
}
