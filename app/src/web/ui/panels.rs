//! The side panel: the selected span (attributes by group, events, links, the model call's
//! transcript), the trace's findings, time and cost, and the instrumentation audit.

use super::fmt;
use super::state::{Tab, use_viewer};
use crate::protocol::*;
use leptos::prelude::*;
use loupe_core::analysis::messages::{Message, Part, Transcript};
use loupe_core::analysis::rules::explanation;
use loupe_core::report::AnomalyReport;
use loupe_core::report::span::Kv;

/// Characters of a value shown before "show all".
const CUT: usize = 400;

/// Text that is cut after [`CUT`] characters or 8 lines, with a "show all" button.
#[component]
fn LongText(text: String, #[prop(optional)] class: &'static str) -> impl IntoView {
    let chars = text.chars().count();
    let lines = text.lines().count();
    if chars <= CUT && lines <= 8 {
        return view! { <span class=format!("value {class}")>{text}</span> }.into_any();
    }
    let open = RwSignal::new(false);
    let short: String = {
        let mut s: String = text.chars().take(CUT).collect();
        if let Some((i, _)) = s.match_indices('\n').nth(7) {
            s.truncate(i);
        }
        s
    };
    let full = StoredValue::new(text);
    view! {
        <span class=format!("value {class}")>
            {move || if open.get() { full.get_value() } else { format!("{short}…") }}
        </span>
        <button class="link-btn" on:click=move |_| open.update(|o| *o = !*o)>
            {move || {
                if open.get() { "show less".to_owned() } else { format!("show all ({} chars)", fmt::int(chars as u64)) }
            }}
        </button>
    }
    .into_any()
}

#[component]
fn KvTable(attrs: Vec<Kv>) -> impl IntoView {
    view! {
        <table class="kv">
            {attrs
                .into_iter()
                .map(|kv| {
                    let class = if kv.kind == "string" { "" } else { "typed" };
                    view! {
                        <tr>
                            <th class="mono" title=kv.kind.clone()>{kv.key}</th>
                            <td>
                                <LongText text=kv.value class=class/>
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </table>
    }
}

/// A clickable span reference.
#[component]
fn SpanChip(span: u32, name: String) -> impl IntoView {
    let st = use_viewer();
    view! {
        <button class="span-chip" title="Show this span" on:click=move |_| st.run(st.reveal(span))>
            {name}
        </button>
    }
}

/// The panel with its tabs.
#[component]
pub fn SidePanel() -> impl IntoView {
    let st = use_viewer();
    let count = move || {
        st.trace_detail
            .with(|d| d.as_ref().map_or(0, |d| d.report.anomalies.len()))
    };
    let tab_btn = move |tab: Tab, label: &'static str| {
        view! {
            <button
                class="tab"
                role="tab"
                class:active=move || st.tab.get() == tab
                aria-selected=move || (st.tab.get() == tab).to_string()
                on:click=move |_| st.tab.set(tab)
            >
                {label}
                {(tab == Tab::Findings).then_some(move || {
                    let n = count();
                    (n > 0).then(|| view! { <span class="tab-count">{n}</span> })
                })}
            </button>
        }
    };
    view! {
        <aside class="side-pane">
            <div class="tabs" role="tablist">
                {tab_btn(Tab::Span, "Span")}
                {tab_btn(Tab::Findings, "Findings")}
                {tab_btn(Tab::Cost, "Time & cost")}
                {tab_btn(Tab::Audit, "Audit")}
            </div>
            <div class="panel" data-testid="panel">
                {move || match st.tab.get() {
                    Tab::Span => view! { <SpanPanel/> }.into_any(),
                    Tab::Findings => view! { <FindingsPanel/> }.into_any(),
                    Tab::Cost => view! { <CostPanel/> }.into_any(),
                    Tab::Audit => view! { <AuditPanel/> }.into_any(),
                }}
            </div>
        </aside>
    }
}

#[component]
fn SpanPanel() -> impl IntoView {
    let st = use_viewer();
    move || match st.detail.get() {
        None => view! { <p class="muted pad">"Select a span in the tree (click, or j / k)."</p> }
            .into_any(),
        Some(d) => view! { <SpanDetailView d=d/> }.into_any(),
    }
}

/// Zooms the tree and timeline to a span's subtree, or back out when it is the zoomed one.
#[component]
fn ZoomButton(span: u32) -> impl IntoView {
    let st = use_viewer();
    let zoomed = move || st.view.with(|v| v.zoom == Some(span));
    view! {
        <button
            class="btn zoom-btn"
            data-testid="zoom"
            title="Show only this span and what is below it, on its own time scale (z)"
            on:click=move |_| st.run(st.zoom(if zoomed() { None } else { Some(span) }))
        >
            {move || if zoomed() { "⤢ Whole trace" } else { "⤡ Zoom to subtree" }}
        </button>
    }
}

#[component]
fn SpanDetailView(d: SpanReport) -> impl IntoView {
    let mut facts: Vec<(&'static str, String)> = vec![
        ("Duration", fmt::duration(d.duration_ns)),
        ("Self time", fmt::duration(d.self_ns)),
        ("Starts at", format!("+{}", fmt::duration(d.start_ns))),
        ("Kind", d.kind.clone()),
        (
            "Status",
            if d.status_message.is_empty() {
                d.status.clone()
            } else {
                format!("{}: {}", d.status, d.status_message)
            },
        ),
        ("Service", d.service.clone()),
    ];
    if d.op != "other" {
        facts.push(("Operation", d.op.clone()));
    }
    if !d.subject.is_empty() {
        facts.push(("Model / tool / agent", d.subject.clone()));
    }
    if let Some(p) = d.on_path_ns {
        facts.push((
            "On the critical path",
            format!("{} of its own time", fmt::duration(p)),
        ));
    }
    if let Some((i, o)) = d.tokens {
        facts.push((
            "Tokens",
            format!("{} in / {} out", fmt::int(i), fmt::int(o)),
        ));
    } else if d.inclusive_tokens > 0 {
        facts.push(("Tokens below", fmt::int(d.inclusive_tokens)));
    }
    if d.cost_usd.is_some() {
        facts.push(("Cost", fmt::usd(d.cost_usd)));
    }
    facts.push(("Span id", d.span_id.clone()));
    if let Some(p) = &d.parent_id {
        facts.push(("Parent id", p.clone()));
    }
    facts.push(("From", d.origin.clone()));
    let dropped = d.dropped;
    let status_class = format!("status {}", d.status);
    view! {
        <div class="span-detail" data-testid="span-detail">
            <h2 class="detail-title">
                {d.name.clone()}
                {d.critical.then(|| view! { <span class="badge cp" title="On the critical path">"critical path"</span> })}
                <span class=status_class>{d.status.clone()}</span>
            </h2>
            <div class="detail-actions">
                <ZoomButton span=d.span/>
            </div>
            {d.notes.iter().map(|n| view! { <p class="notice-inline">{n.clone()}</p> }).collect_view()}
            {(!d.annotations.is_empty()).then(|| {
                let notes = d.annotations.clone();
                view! {
                    <section class="notes" data-testid="span-notes">
                        <h3>{format!("Notes ({})", notes.len())}</h3>
                        {notes.into_iter().map(|n| view! {
                            <div class="note-card">
                                <div class="note-head">
                                    <span class="badge note">{n.label.as_str()}</span>
                                    {n.step.map(|s| view! { <span class="muted small">{format!(" tour step {s}")}</span> })}
                                    {n.author.clone().map(|a| view! { <span class="muted small">{format!(" · {a}")}</span> })}
                                </div>
                                // Plain text: line breaks kept by CSS, never parsed as HTML.
                                <p class="note-text">{n.text}</p>
                            </div>
                        }.into_any()).collect_view()}
                    </section>
                }
                .into_any()
            })}
            {(!d.findings.is_empty()).then(|| {
                let fs = d.findings.clone();
                view! {
                    <section>
                        <h3>"Findings"</h3>
                        {fs.into_iter().map(|f| view! { <FindingCard f=f/> }).collect_view()}
                    </section>
                }
            })}
            <table class="kv facts">
                {facts
                    .into_iter()
                    .map(|(k, v)| view! {
                        <tr>
                            <th>{k}</th>
                            <td><LongText text=v/></td>
                        </tr>
                    })
                    .collect_view()}
            </table>
            {d.transcript.clone().map(|t| view! { <TranscriptView t=t/> })}
            {d.groups
                .iter()
                .cloned()
                .map(|g| view! {
                    <section class="group">
                        <h3>{format!("{} attributes", g.name)}</h3>
                        <KvTable attrs=g.attrs/>
                    </section>
                })
                .collect_view()}
            {(!d.events.is_empty()).then(|| {
                let evs = d.events.clone();
                view! {
                    <section>
                        <h3>{format!("Events ({})", evs.len())}</h3>
                        {evs.into_iter().map(|e| view! {
                            <div class="event">
                                <div>
                                    <span class="name">{e.name}</span>
                                    <span class="muted small">
                                        {format!(" at {}{}", if e.offset_ns < 0 { "-" } else { "+" }, fmt::duration(e.offset_ns.unsigned_abs()))}
                                    </span>
                                </div>
                                {(!e.attrs.is_empty()).then(|| view! { <KvTable attrs=e.attrs/> })}
                            </div>
                        }).collect_view()}
                    </section>
                }
            })}
            {(!d.links.is_empty()).then(|| {
                let links = d.links.clone();
                view! {
                    <section>
                        <h3>{format!("Links ({})", links.len())}</h3>
                        {links.into_iter().map(|l| view! {
                            <div class="event">
                                {match l.span {
                                    Some(s) => view! { <SpanChip span=s name=format!("span {} (open)", l.span_id)/> }.into_any(),
                                    None => view! { <span class="mono small">{format!("trace {} span {} (not open)", l.trace_id, l.span_id)}</span> }.into_any(),
                                }}
                                {(!l.attrs.is_empty()).then(|| view! { <KvTable attrs=l.attrs/> })}
                            </div>
                        }).collect_view()}
                    </section>
                }
            })}
            {(!d.inferred.is_empty()).then(|| {
                let inferred = d.inferred.clone();
                view! {
                    <section>
                        <h3>"Inferred links"</h3>
                        <p class="small muted">
                            "No trace context connects these spans; Loupe matched them by tool name and time (the disconnected rule)."
                        </p>
                        {inferred.into_iter().map(|e| { let (role, name, span) = (e.role, e.name, e.span); view! {
                            <div class="event">
                                <span class="small">{format!("{role} side: ")}</span>
                                <SpanChip span=span name=name/>
                            </div>
                        }}).collect_view()}
                    </section>
                }
            })}
            {(dropped.iter().any(|&n| n > 0)).then(|| view! {
                <p class="muted small">
                    {format!("The producer dropped {} attributes, {} events, {} links.", dropped[0], dropped[1], dropped[2])}
                </p>
            })}
        </div>
    }
}

fn part_view(p: Part) -> AnyView {
    match p {
        Part::Text(text) => view! { <div class="part text"><LongText text=text/></div> }.into_any(),
        Part::Reasoning(text) => view! {
            <div class="part reasoning"><span class="part-label">"reasoning"</span><LongText text=text/></div>
        }
        .into_any(),
        Part::ToolCall { id, name, arguments } => view! {
            <div class="part tool-call">
                <span class="part-label">{format!("calls {name}")}</span>
                {id.map(|i| view! { <span class="muted small mono">{format!(" {i}")}</span> })}
                <pre class="mono"><LongText text=arguments/></pre>
            </div>
        }
        .into_any(),
        Part::ToolCallResponse { id, response } => view! {
            <div class="part tool-response">
                <span class="part-label">"tool result"</span>
                {id.map(|i| view! { <span class="muted small mono">{format!(" {i}")}</span> })}
                <pre class="mono"><LongText text=response/></pre>
            </div>
        }
        .into_any(),
        Part::Media { kind, modality, detail } => view! {
            <div class="part media"><span class="part-label">{format!("{modality} {kind}")}</span>" "{detail}</div>
        }
        .into_any(),
        Part::Other { kind, json } => view! {
            <div class="part other"><span class="part-label">{kind}</span><pre class="mono"><LongText text=json/></pre></div>
        }
        .into_any(),
    }
}

fn message_view(m: Message, output: bool) -> impl IntoView {
    let role = m.role.clone();
    let class = format!(
        "msg role-{}",
        role.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    );
    view! {
        <div class=class class:output=output>
            <div class="msg-head">
                <span class="role">{role}</span>
                {m.name.map(|n| view! { <span class="muted small">{format!(" {n}")}</span> })}
                {m.finish_reason.map(|f| view! { <span class="badge info" title="Finish reason">{f}</span> })}
            </div>
            {m.parts.into_iter().map(part_view).collect_view()}
        </div>
    }
}

#[component]
fn TranscriptView(t: Transcript) -> impl IntoView {
    view! {
        <section class="transcript" data-testid="transcript">
            <h3>"Conversation" <span class="muted small">{format!(" ({})", t.source)}</span></h3>
            {(!t.system.is_empty()).then(|| view! {
                <div class="msg role-system">
                    <div class="msg-head"><span class="role">"system"</span></div>
                    {t.system.into_iter().map(part_view).collect_view()}
                </div>
            })}
            {t.input.into_iter().map(|m| message_view(m, false)).collect_view()}
            {(!t.output.is_empty()).then(|| view! { <div class="transcript-sep">"model output"</div> })}
            {t.output.into_iter().map(|m| message_view(m, true)).collect_view()}
        </section>
    }
}

#[component]
fn FindingCard(f: AnomalyReport) -> impl IntoView {
    view! {
        <div class=format!("finding {}", f.severity) class:first=f.first_suspect data-kind=f.kind.clone()>
            <div class="finding-head">
                <span class=format!("badge {}", f.severity)>{f.severity.clone()}</span>
                <span class="finding-kind">{f.kind.clone()}</span>
                {f.first_suspect.then(|| view! { <span class="badge suspect">"⚑ first suspect: start here"</span> })}
            </div>
            <p class="finding-msg">{f.message.clone()}</p>
            <div class="chips">
                {f.spans
                    .iter()
                    .zip(f.span_names.iter())
                    .map(|(&s, n)| view! { <SpanChip span=s name=n.clone()/> })
                    .collect_view()}
            </div>
            <details>
                <summary class="small muted">"What it means"</summary>
                <p class="small">{explanation(&f.kind)}</p>
            </details>
        </div>
    }
}

#[component]
fn FindingsPanel() -> impl IntoView {
    let st = use_viewer();
    // A big trace can have thousands of findings: they are shown a page at a time, so the panel
    // stays a few hundred elements, not tens of thousands.
    let shown = RwSignal::new(FINDINGS_PAGE);
    move || {
        let Some(d) = st.trace_detail.get() else {
            return view! { <p class="muted pad">"Loading…"</p> }.into_any();
        };
        let findings: Vec<AnomalyReport> =
            d.findings_in_reading_order().into_iter().cloned().collect();
        if findings.is_empty() {
            return view! { <p class="pad">"No findings: none of the rules fired on this trace."</p> }.into_any();
        }
        let total = findings.len();
        let n = shown.get().min(total);
        let left = total - n;
        view! {
            <div class="findings" data-testid="findings">
                {findings.into_iter().take(n).map(|f| view! { <FindingCard f=f/> }).collect_view()}
                {(left > 0).then(|| view! {
                    <p class="muted pad more-findings">
                        {format!("Showing {} of {} findings. ", fmt::int(n as u64), fmt::int(total as u64))}
                        <button class="link-btn" on:click=move |_| shown.update(|s| *s += FINDINGS_PAGE)>
                            {format!("Show {} more", fmt::int(left.min(FINDINGS_PAGE) as u64))}
                        </button>
                    </p>
                })}
            </div>
        }
        .into_any()
    }
}

/// Findings shown at first, and added by each "Show more".
const FINDINGS_PAGE: usize = 100;

/// A bar whose length is `value` against the largest of its table, with the value in its title.
fn bar(value: f64, max: f64, label: String) -> impl IntoView {
    let pct = if max > 0.0 { value / max * 100.0 } else { 0.0 };
    view! {
        <td class="bar-cell">
            <span class="mini-bar" title=label data-value=value.to_string() style:width=format!("{pct:.1}%")></span>
        </td>
    }
}

#[component]
fn CostPanel() -> impl IntoView {
    let st = use_viewer();
    move || {
        let Some(d) = st.trace_detail.get() else {
            return view! { <p class="muted pad">"Loading…"</p> }.into_any();
        };
        let total = d.summary.duration_ns.max(1) as f64;
        let r = d.report;
        let mut path = r.critical_path.clone();
        path.sort_by_key(|p| std::cmp::Reverse(p.on_path_ns));
        let path_len = r.critical_path.len();
        let t = &r.tokens;
        let [tin, tout, cread, ccreate, reason] = [
            t.input,
            t.output,
            t.cache_read,
            t.cache_creation,
            t.reasoning,
        ];
        let cost_by_model = r.cost_by_model.clone();
        let by_model: Vec<_> = r.tokens.by_model.clone().into_iter().collect();
        let by_agent: Vec<_> = r.by_agent.clone().into_iter().collect();
        let by_tool: Vec<_> = r.by_tool.clone().into_iter().collect();
        let unpriced_models = r.unpriced_models.clone();
        view! {
            <div class="cost">
                <section>
                    <h3>{format!("Critical path: {path_len} spans, where the time went")}</h3>
                    <table class="grid">
                        {path
                            .into_iter()
                            .take(8)
                            .map(|p| {
                                let share = p.on_path_ns as f64 / total;
                                view! {
                                    <tr>
                                        <td class="num">{fmt::pct(share)}</td>
                                        <td class="num">{fmt::duration(p.on_path_ns)}</td>
                                        <td class="bar-cell"><span class="mini-bar" style:width=format!("{:.1}%", share * 100.0)></span></td>
                                        <td>{p.span.map(|s| view! { <SpanChip span=s name=p.name.clone()/> })}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </table>
                </section>
                <section>
                    <h3>"Tokens and cost"</h3>
                    <div class="stats">
                        <div class="stat"><span class="stat-n">{fmt::int(tin)}</span><span class="stat-l">"input"</span></div>
                        <div class="stat"><span class="stat-n">{fmt::int(tout)}</span><span class="stat-l">"output"</span></div>
                        <div class="stat"><span class="stat-n">{fmt::int(cread)}</span><span class="stat-l">"cache read"</span></div>
                        <div class="stat"><span class="stat-n">{fmt::int(ccreate)}</span><span class="stat-l">"cache write"</span></div>
                        <div class="stat"><span class="stat-n">{fmt::int(reason)}</span><span class="stat-l">"reasoning"</span></div>
                        <div class="stat"><span class="stat-n">{fmt::usd(d.summary.cost_usd)}</span><span class="stat-l">"cost"</span></div>
                    </div>
                    {(!unpriced_models.is_empty()).then(|| view! {
                        <p class="notice-inline">{format!("No price known for: {}. The total cost is left open rather than guessed.", unpriced_models.join(", "))}</p>
                    })}
                    {(!by_model.is_empty()).then(|| {
                        let max = by_model.iter().map(|(_, m)| (m.input + m.output) as f64).fold(0.0, f64::max);
                        view! {
                            <table class="grid by-model" data-testid="by-model">
                                <thead><tr><th>"Model"</th><th class="num">"In"</th><th class="num">"Out"</th><th class="num">"Cache read"</th><th class="num">"Cost"</th><th class="bar-cell">"Tokens"</th></tr></thead>
                                {by_model.into_iter().map(|(name, m)| { let tokens = m.input + m.output; let cost = cost_by_model.get(&name).copied(); view! {
                                    <tr><td>{name}</td><td class="num">{fmt::int(m.input)}</td><td class="num">{fmt::int(m.output)}</td><td class="num">{fmt::int(m.cache_read)}</td><td class="num">{fmt::usd(cost)}</td>
                                    {bar(tokens as f64, max, format!("{} tokens", fmt::int(tokens)))}</tr>
                                }}).collect_view()}
                            </table>
                        }
                    })}
                    {(!by_agent.is_empty()).then(|| {
                        let max = by_agent.iter().map(|(_, m)| (m.input_tokens + m.output_tokens) as f64).fold(0.0, f64::max);
                        view! {
                            <table class="grid by-agent" data-testid="by-agent">
                                <thead><tr><th>"Agent"</th><th class="num">"Runs"</th><th class="num">"In"</th><th class="num">"Out"</th><th class="num">"Cost"</th><th class="bar-cell">"Tokens"</th></tr></thead>
                                {by_agent.into_iter().map(|(name, m)| { let tokens = m.input_tokens + m.output_tokens; view! {
                                    <tr><td>{name}</td><td class="num">{m.invocations}</td><td class="num">{fmt::int(m.input_tokens)}</td><td class="num">{fmt::int(m.output_tokens)}</td><td class="num">{fmt::usd(m.cost_usd)}</td>
                                    {bar(tokens as f64, max, format!("{} tokens", fmt::int(tokens)))}</tr>
                                }}).collect_view()}
                            </table>
                        }
                    })}
                    {(!by_tool.is_empty()).then(|| {
                        let max = by_tool.iter().map(|(_, t)| t.duration_ns as f64).fold(0.0, f64::max);
                        view! {
                            <table class="grid by-tool" data-testid="by-tool">
                                <thead><tr><th>"Tool"</th><th class="num">"Calls"</th><th class="num">"Errors"</th><th class="num">"Time"</th><th class="bar-cell">"Time share"</th></tr></thead>
                                {by_tool.into_iter().map(|(name, t)| { let bad = t.errors > 0; view! {
                                    <tr><td>{name}</td><td class="num">{t.calls}</td><td class="num" class:err-text=bad>{t.errors}</td><td class="num">{fmt::duration(t.duration_ns)}</td>
                                    {bar(t.duration_ns as f64, max, fmt::duration(t.duration_ns))}</tr>
                                }}).collect_view()}
                            </table>
                        }
                    })}
                </section>
            </div>
        }
        .into_any()
    }
}

#[component]
fn AuditPanel() -> impl IntoView {
    let st = use_viewer();
    move || {
        let Some(d) = st.trace_detail.get() else {
            return view! { <p class="muted pad">"Loading…"</p> }.into_any();
        };
        view! {
            <div class="audit" data-testid="audit">
                <p>
                    <span class="audit-score">{fmt::pct(d.report.audit.score)}</span>
                    " Could an engineer reconstruct this run from the trace alone?"
                </p>
                {d.report.audit.areas.into_iter().map(|a| {
                    let score = a.score;
                    view! {
                        <section>
                            <h3>
                                {a.area.clone()}
                                <span class="muted">{format!(" {}", score.map_or("n/a".to_owned(), fmt::pct))}</span>
                            </h3>
                            <div class="meter"><span style:width=format!("{:.0}%", score.unwrap_or(0.0) * 100.0)></span></div>
                            <ul class="checks">
                                {a.checks.into_iter().map(|c| {
                                    let ok = c.passed == c.total;
                                    view! {
                                        <li class:ok=ok>
                                            <span class="mono">{c.check}</span>
                                            <span class="muted small">{format!(" {} of {}", c.passed, c.total)}</span>
                                            {c.gap.map(|g| view! { <div class="small">{g}</div> })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                    }
                }).collect_view()}
            </div>
        }
        .into_any()
    }
}
