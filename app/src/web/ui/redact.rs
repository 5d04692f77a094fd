//! "Redact & export": before anything is written, every value that will change is listed in
//! place (its text with the matched range in a `<mark>`), grouped by rule with counts. Detectors
//! can be turned off, custom rules (a pattern or key patterns) added and dropped, and the action
//! and output format chosen. The plan and the file both come from the engine (the core's
//! `redact::plan` and `redact::redact` with the same policy and key); the file is offered as a
//! `blob:` download, so nothing leaves the tab.
//!
//! Trace text is only ever set as text nodes.

use super::state::{ViewerState, use_viewer};
use crate::protocol::{
    CustomRule, Format, RedactGroup, RedactItem, RedactPreview, RedactSettings, RedactedFile,
};
use crate::web::client::Failure;
use js_sys::{Array, Function, Reflect, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// 32 random bytes from the browser, as hex: the hash key of this redaction. Empty when the
/// browser gives no random bytes: the engine then refuses the key (never a key of zeros).
fn fresh_key() -> String {
    let bytes = Uint8Array::new_with_length(32);
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).ok();
    if let Some(c) = crypto
        && let Ok(f) = Reflect::get(&c, &"getRandomValues".into())
        && let Ok(f) = f.dyn_into::<Function>()
        && f.call1(&c, &bytes).is_ok()
    {
        return bytes.to_vec().iter().map(|b| format!("{b:02x}")).collect();
    }
    String::new()
}

/// Offers bytes as a download through a temporary `blob:` URL (nothing leaves the page).
pub(super) fn download(name: &str, parts: &JsValue, kind: &str) -> Result<(), JsValue> {
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(kind);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(parts, &opts)?;
    let url_class = Reflect::get(&js_sys::global(), &"URL".into())?;
    let create: Function = Reflect::get(&url_class, &"createObjectURL".into())?.dyn_into()?;
    let revoke: Function = Reflect::get(&url_class, &"revokeObjectURL".into())?.dyn_into()?;
    let url = create.call1(&url_class, &blob)?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let a: web_sys::HtmlElement = doc.create_element("a")?.unchecked_into();
    a.set_attribute("href", &url.as_string().unwrap_or_default())?;
    a.set_attribute("download", name)?;
    a.click();
    // Revoke a minute later: the download reads the blob after this returns.
    let global = js_sys::global();
    let set_timeout: Function = Reflect::get(&global, &"setTimeout".into())?.dyn_into()?;
    let done = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = revoke.call1(&url_class, &url);
    });
    set_timeout.call2(&global, &done, &JsValue::from(60_000))?;
    Ok(())
}

/// The redaction view's state.
#[derive(Clone, Copy)]
struct Redaction {
    settings: RwSignal<RedactSettings>,
    preview: RwSignal<Option<RedactPreview>>,
    error: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
    format: RwSignal<Format>,
    manifest: RwSignal<bool>,
    /// Bumped per request; older answers are dropped.
    asked: StoredValue<u32>,
}

impl Redaction {
    async fn refresh(self, st: ViewerState) {
        let n = self.asked.get_value() + 1;
        self.asked.set_value(n);
        self.busy.set(true);
        let settings = self.settings.get_untracked();
        let answer = st.client.get_value().redact_plan(settings).await;
        if self.asked.get_value() != n {
            return;
        }
        self.busy.set(false);
        match answer {
            Ok(p) => {
                self.error.set(None);
                self.preview.set(Some(p));
            }
            Err(Failure::Error(message)) => self.error.set(Some(message)),
            Err(Failure::Crashed(message)) => {
                st.redact.set(false);
                st.recover(message).await;
            }
            Err(Failure::Unexpected) => {}
        }
    }

    async fn export(self, st: ViewerState) {
        self.busy.set(true);
        let (settings, format) = (self.settings.get_untracked(), self.format.get_untracked());
        let answer = st.client.get_value().redact_export(settings, format).await;
        self.busy.set(false);
        match answer {
            Ok((file, bytes)) => self.save(st, &file, &bytes),
            Err(Failure::Error(message)) => self.error.set(Some(message)),
            Err(Failure::Crashed(message)) => {
                st.redact.set(false);
                st.recover(message).await;
            }
            Err(Failure::Unexpected) => self.error.set(Some(
                "the engine sent an answer of another kind; try again".into(),
            )),
        }
    }

    fn save(self, st: ViewerState, file: &RedactedFile, bytes: &Uint8Array) {
        let kind = if file.format.is_binary() {
            "application/x-protobuf"
        } else {
            "application/json"
        };
        if let Err(e) = download(&file.name, &Array::of1(bytes), kind) {
            self.error.set(Some(format!(
                "the download failed: {}",
                super::super::io::describe(&e)
            )));
            return;
        }
        if self.manifest.get_untracked() {
            let text = Uint8Array::from(file.manifest.as_bytes());
            if let Err(e) = download(&file.manifest_name, &Array::of1(&text), "application/json") {
                self.error.set(Some(format!(
                    "the manifest's download failed: {}",
                    super::super::io::describe(&e)
                )));
            }
        }
        st.notify(
            "info",
            format!(
                "Saved {} ({} spans): {}; {}",
                file.name,
                file.spans,
                file.summary.lines().next().unwrap_or_default(),
                file.verification
            ),
        );
    }
}

/// The button in the top bar.
#[component]
pub fn RedactButton() -> impl IntoView {
    let st = use_viewer();
    view! {
        <Show when=move || !st.summary.with(|s| s.files.is_empty())>
            <button
                class="btn"
                data-testid="redact-open"
                title="Find secrets and personal data, see each one in place, and download a redacted copy"
                on:click=move |_| st.redact.set(true)
            >
                "Redact & export"
            </button>
        </Show>
    }
}

/// The redaction view (a dialog over the viewer).
#[component]
pub fn RedactView() -> impl IntoView {
    let st = use_viewer();
    view! {
        <Show when=move || st.redact.get()>
            <RedactDialog/>
        </Show>
    }
}

#[component]
fn RedactDialog() -> impl IntoView {
    let st = use_viewer();
    let r = Redaction {
        settings: RwSignal::new(RedactSettings {
            action: "mask".into(),
            key: fresh_key(),
            ..RedactSettings::default()
        }),
        preview: RwSignal::new(None),
        error: RwSignal::new(None),
        busy: RwSignal::new(false),
        format: RwSignal::new(Format::OtlpJson),
        manifest: RwSignal::new(false),
        asked: StoredValue::new(0),
    };
    // Every change of the settings, or of the files open, asks for a fresh plan.
    Effect::new(move |_| {
        r.settings.track();
        st.summary.track();
        st.run(r.refresh(st));
    });
    let close = move || st.redact.set(false);
    view! {
        <div class="modal-backdrop" on:click=move |_| close()>
            <div
                class="modal redact"
                role="dialog"
                aria-label="Redact and export"
                data-testid="redact-view"
                on:click=|ev| ev.stop_propagation()
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        close();
                    }
                }
            >
                <header class="redact-head">
                    <h2>"Redact & export"</h2>
                    <span class="muted small">
                        "Everything below is computed in this tab; the file is saved from it directly."
                    </span>
                    <button class="btn icon" title="Close" aria-label="Close" on:click=move |_| close()>
                        "×"
                    </button>
                </header>
                <div class="redact-body">
                    <Settings r=r/>
                    <Preview r=r/>
                </div>
            </div>
        </div>
    }
}

#[component]
fn Settings(r: Redaction) -> impl IntoView {
    let st = use_viewer();
    let rule_id = RwSignal::new(String::new());
    let rule_kind = RwSignal::new("pattern".to_owned());
    let rule_text = RwSignal::new(String::new());
    let add_rule = move || {
        let id = rule_id.get_untracked().trim().to_owned();
        let text = rule_text.get_untracked().trim().to_owned();
        if text.is_empty() {
            r.error
                .set(Some("a rule needs a pattern or key patterns".into()));
            return;
        }
        let id = if id.is_empty() {
            format!("rule_{}", r.settings.with_untracked(|s| s.rules.len()) + 1)
        } else {
            id
        };
        let rule = if rule_kind.get_untracked() == "keys" {
            CustomRule {
                id,
                pattern: None,
                keys: text
                    .split(',')
                    .map(|k| k.trim().to_owned())
                    .filter(|k| !k.is_empty())
                    .collect(),
            }
        } else {
            CustomRule {
                id,
                pattern: Some(text),
                keys: Vec::new(),
            }
        };
        rule_id.set(String::new());
        rule_text.set(String::new());
        r.settings.update(|s| s.rules.push(rule));
    };
    let detectors = move || {
        r.preview
            .with(|p| p.as_ref().map(|p| p.detectors.clone()))
            .unwrap_or_default()
    };
    view! {
        <aside class="redact-settings">
            <section>
                <h3>"Action"</h3>
                <select
                    data-testid="redact-action"
                    prop:value=move || r.settings.with(|s| s.action.clone())
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        r.settings.update(|s| s.action = v);
                    }
                >
                    <option value="mask">"Mask: [REDACTED:kind]"</option>
                    <option value="hash">"Keyed hash: [HASH:kind:…]"</option>
                    <option value="drop">"Drop the attribute"</option>
                </select>
            </section>
            <section>
                <h3>"Detectors"</h3>
                <ul class="detectors">
                    <For
                        each=detectors
                        key=|d| (d.id.clone(), d.enabled, d.count)
                        children=move |d| {
                            let id = d.id.clone();
                            let testid = format!("detector-{}", d.id);
                            view! {
                                <li>
                                    <label title=d.describe>
                                        <input
                                            type="checkbox"
                                            data-testid=testid
                                            prop:checked=d.enabled
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                let id = id.clone();
                                                r.settings.update(|s| s.set_detector(&id, on));
                                            }
                                        />
                                        <span class="mono">{d.id.clone()}</span>
                                        <span class="count muted">
                                            {if d.count > 0 { d.count.to_string() } else { String::new() }}
                                        </span>
                                    </label>
                                </li>
                            }
                        }
                    />
                </ul>
            </section>
            <section>
                <h3>"Custom rules"</h3>
                <ul class="rules">
                    <For
                        each=move || r.settings.with(|s| s.rules.clone())
                        key=|c| c.id.clone()
                        children=move |c| {
                            let id = c.id.clone();
                            let what = match &c.pattern {
                                Some(p) => format!("/{p}/"),
                                None => format!("keys {}", c.keys.join(", ")),
                            };
                            view! {
                                <li class="rule">
                                    <span class="mono">{c.id.clone()}</span>
                                    <span class="mono muted">{what}</span>
                                    <button
                                        class="link-btn"
                                        data-testid=format!("rule-remove-{}", c.id)
                                        on:click=move |_| {
                                            let id = id.clone();
                                            r.settings
                                                .update(|s| {
                                                    s.rules.retain(|x| x.id != id);
                                                    s.actions.remove(&id);
                                                });
                                        }
                                    >
                                        "remove"
                                    </button>
                                </li>
                            }
                        }
                    />
                </ul>
                <div class="rule-form">
                    <input
                        type="text"
                        placeholder="id (e.g. employee_id)"
                        data-testid="rule-id"
                        prop:value=move || rule_id.get()
                        on:input=move |ev| rule_id.set(event_target_value(&ev))
                    />
                    <select
                        data-testid="rule-kind"
                        prop:value=move || rule_kind.get()
                        on:change=move |ev| rule_kind.set(event_target_value(&ev))
                    >
                        <option value="pattern">"Regex on values"</option>
                        <option value="keys">"Key patterns (comma-separated, * wildcard)"</option>
                    </select>
                    <input
                        type="text"
                        class="mono"
                        placeholder="EMP-[0-9]{6}  or  app.*.notes"
                        data-testid="rule-text"
                        prop:value=move || rule_text.get()
                        on:input=move |ev| rule_text.set(event_target_value(&ev))
                        on:keydown=move |ev: web_sys::KeyboardEvent| {
                            if ev.key() == "Enter" {
                                add_rule();
                            }
                        }
                    />
                    <button class="btn" data-testid="rule-add" on:click=move |_| add_rule()>
                        "Add rule"
                    </button>
                </div>
            </section>
            <section>
                <h3>"Output"</h3>
                <label class="radio">
                    <input
                        type="radio"
                        name="redact-format"
                        data-testid="format-json"
                        prop:checked=move || r.format.get() == Format::OtlpJson
                        on:change=move |_| r.format.set(Format::OtlpJson)
                    />
                    "OTLP JSON"
                </label>
                <label class="radio">
                    <input
                        type="radio"
                        name="redact-format"
                        data-testid="format-proto"
                        prop:checked=move || r.format.get() == Format::OtlpProto
                        on:change=move |_| r.format.set(Format::OtlpProto)
                    />
                    "OTLP protobuf"
                </label>
                <label class="radio">
                    <input
                        type="checkbox"
                        data-testid="redact-manifest"
                        prop:checked=move || r.manifest.get()
                        on:change=move |ev| r.manifest.set(event_target_checked(&ev))
                    />
                    "Also save the manifest (counts only)"
                </label>
                <button
                    class="btn primary"
                    data-testid="redact-export"
                    disabled=move || r.busy.get() || r.error.with(Option::is_some)
                    on:click=move |_| st.run(r.export(st))
                >
                    "Download redacted file"
                </button>
            </section>
        </aside>
    }
}

#[component]
fn Preview(r: Redaction) -> impl IntoView {
    let summary = move || {
        r.preview.with(|p| {
            p.as_ref().map(|p| {
                if p.matches == 0 {
                    view! {
                        <p class="redact-nothing" data-testid="redact-nothing">
                            {format!(
                                "Nothing to redact: the detectors and rules in force find nothing in these {} spans. The export is the same data as OTLP.",
                                p.spans,
                            )}
                        </p>
                    }
                        .into_any()
                } else {
                    let shown = if (p.shown as u64) < p.matches {
                        format!(" The first {} are listed.", p.shown)
                    } else {
                        String::new()
                    };
                    view! {
                        <p class="redact-summary" data-testid="redact-summary">
                            {format!(
                                "{} match{} in {} value{} will be replaced{}; {} span{} kept.{shown}",
                                p.matches,
                                if p.matches == 1 { "" } else { "es" },
                                p.values_changed,
                                if p.values_changed == 1 { "" } else { "s" },
                                if p.attributes_dropped > 0 {
                                    format!(", {} attributes dropped", p.attributes_dropped)
                                } else {
                                    String::new()
                                },
                                p.spans,
                                if p.spans == 1 { "" } else { "s" },
                            )}
                        </p>
                    }
                        .into_any()
                }
            })
        })
    };
    let groups = move || {
        r.preview
            .with(|p| p.as_ref().map(|p| p.groups.clone()))
            .unwrap_or_default()
    };
    let policy = move || r.preview.with(|p| p.as_ref().map(|p| p.policy.clone()));
    view! {
        <section
            class="redact-preview"
            class:busy=move || r.busy.get()
            aria-busy=move || r.busy.get().to_string()
        >
            {move || {
                r.error
                    .get()
                    .map(|e| {
                        view! {
                            <p class="redact-error" role="alert" data-testid="redact-error">
                                {e}
                            </p>
                        }
                    })
            }}
            {summary}
            <p class="redact-limits" data-testid="redact-limits">
                "Not detected: people's names, free-form street addresses and other personal data \
                 without a fixed shape, secrets with no known prefix under a neutral key, and \
                 anything inside images, audio or attachments. Read the file before you share it. \
                 Every export is read back and scanned again; a file with anything left is not \
                 given out."
            </p>
            {move || {
                groups()
                    .into_iter()
                    .map(|g| view! { <Group r=r g=g/> })
                    .collect_view()
            }}
            {move || {
                policy()
                    .map(|text| {
                        view! {
                            <details class="redact-policy">
                                <summary>"These settings as a policy for `loupe redact --policy`"</summary>
                                <pre>{text}</pre>
                            </details>
                        }
                    })
            }}
        </section>
    }
}

#[component]
fn Group(r: Redaction, g: RedactGroup) -> impl IntoView {
    let rule = g.rule.clone();
    let more = g.count.saturating_sub(g.items.len() as u64);
    let title = if g.custom {
        format!("custom rule {}", g.rule)
    } else {
        g.describe.clone()
    };
    view! {
        <section class="redact-group" data-kind=g.kind.clone() data-rule=g.rule>
            <header>
                <span class="mono rule-id">{g.rule.clone()}</span>
                <span class="muted">{title}</span>
                <span class="badge" data-testid="group-count">{g.count.to_string()}</span>
                <select
                    class="group-action"
                    title="What to do with these"
                    prop:value=g.action.clone()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        let rule = rule.clone();
                        r.settings
                            .update(|s| {
                                s.actions.insert(rule, v);
                            });
                    }
                >
                    <option value="mask">"mask"</option>
                    <option value="hash">"hash"</option>
                    <option value="drop">"drop"</option>
                </select>
            </header>
            <ul>{g.items.into_iter().map(|i| view! { <Item i=i/> }).collect_view()}</ul>
            {(more > 0)
                .then(|| view! { <p class="muted small">{format!("… and {more} more")}</p> })}
        </section>
    }
}

#[component]
fn Item(i: RedactItem) -> impl IntoView {
    let st = use_viewer();
    let span = i.span;
    let mut whr = i.place.clone();
    if !i.key.is_empty() {
        whr.push(' ');
        whr.push_str(&i.key);
    }
    if let Some(p) = &i.json_path {
        whr.push_str(" at ");
        whr.push_str(p);
    }
    view! {
        <li class="redact-item" data-testid="redact-item">
            <div class="redact-where">
                {span
                    .map(|s| {
                        view! {
                            <button
                                class="link-btn span-link"
                                title="Show this span"
                                on:click=move |_| {
                                    st.redact.set(false);
                                    st.run(st.reveal(s));
                                }
                            >
                                {i.span_name.clone()}
                            </button>
                        }
                    })}
                <span class="muted">{whr}</span>
            </div>
            <div class="redact-value mono">
                {i.cut_before.then_some("…")}
                <span>{i.before.clone()}</span>
                <mark>{i.matched.clone()}</mark>
                <span>{i.after.clone()}</span>
                {i.cut_after.then_some("…")}
            </div>
            <div class="redact-becomes muted">
                "→ "
                <span class="mono">{i.replacement.clone()}</span>
            </div>
        </li>
    }
}
