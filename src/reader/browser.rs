//! Which program `o` opens a link with, the way people's shells already say it:
//! `$BROWSER` is a colon-separated list of commands, each possibly with arguments and
//! `%s` for the URL (else the URL goes last), tried in turn until one runs; with no
//! `$BROWSER`, `xdg-open` (or `open` on macOS) when it is installed.

use std::path::Path;

/// The commands to try for `url`, in order: each a program and its arguments.
/// `browser` is `$BROWSER`; `installed` says whether a program is on the `PATH`.
pub fn commands(
    browser: Option<&str>,
    url: &str,
    installed: &dyn Fn(&str) -> bool,
) -> Vec<Vec<String>> {
    let listed: Vec<Vec<String>> = browser
        .unwrap_or("")
        .split(':')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| command(entry, url))
        .filter(|words| !words.is_empty())
        .collect();
    if !listed.is_empty() {
        return listed;
    }
    ["xdg-open", "open"]
        .into_iter()
        .filter(|program| installed(program))
        .map(|program| vec![program.to_string(), url.to_string()])
        .take(1)
        .collect()
}

/// One `$BROWSER` entry as words: `%s` becomes the URL (`%%` a `%`); without a `%s`
/// the URL is the last argument. Single and double quotes group words.
fn command(entry: &str, url: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in entry.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    let mut has_url = false;
    let mut words: Vec<String> = words
        .into_iter()
        .map(|word| {
            let mut out = String::new();
            let mut chars = word.chars().peekable();
            while let Some(c) = chars.next() {
                match (c, chars.peek()) {
                    ('%', Some('s')) => {
                        chars.next();
                        out.push_str(url);
                        has_url = true;
                    }
                    ('%', Some('%')) => {
                        chars.next();
                        out.push('%');
                    }
                    (c, _) => out.push(c),
                }
            }
            out
        })
        .collect();
    if !has_url && !words.is_empty() {
        words.push(url.to_string());
    }
    words
}

/// Whether `program` is an executable file on `PATH` (or a path to one).
pub fn installed(program: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let runnable = |path: &Path| {
        path.metadata()
            .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
    };
    if program.contains('/') {
        return runnable(Path::new(program));
    }
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| runnable(&dir.join(program))))
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://example.org/live#a";

    fn none(_: &str) -> bool {
        false
    }

    #[test]
    fn a_list_of_commands_with_arguments_and_percent_s() {
        let found = commands(
            Some("w3m:lynx -accept_all_cookies:firefox --new-tab %s"),
            URL,
            &none,
        );
        assert_eq!(
            found,
            vec![
                vec!["w3m".to_string(), URL.to_string()],
                vec![
                    "lynx".to_string(),
                    "-accept_all_cookies".to_string(),
                    URL.to_string()
                ],
                vec![
                    "firefox".to_string(),
                    "--new-tab".to_string(),
                    URL.to_string()
                ],
            ]
        );
    }

    #[test]
    fn quotes_group_words_and_percent_percent_is_a_percent() {
        let found = commands(Some("'/opt/My Browser/run' --title '100%%' %s"), URL, &none);
        assert_eq!(
            found,
            vec![vec![
                "/opt/My Browser/run".to_string(),
                "--title".to_string(),
                "100%".to_string(),
                URL.to_string()
            ]]
        );
    }

    #[test]
    fn without_browser_xdg_open_or_open_when_installed() {
        let xdg = |program: &str| program == "xdg-open";
        assert_eq!(
            commands(None, URL, &xdg),
            vec![vec!["xdg-open".to_string(), URL.to_string()]]
        );
        let mac = |program: &str| program == "open";
        assert_eq!(
            commands(Some(" : "), URL, &mac),
            vec![vec!["open".to_string(), URL.to_string()]]
        );
        assert!(commands(None, URL, &none).is_empty());
    }
}
