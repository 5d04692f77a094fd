//! The keyboard help (`?`).

use super::state::use_viewer;
use leptos::prelude::*;

/// The keyboard help.
#[component]
pub fn Help() -> impl IntoView {
    let st = use_viewer();
    let keys = [
        ("j / ↓", "next span (in the list: next trace)"),
        ("k / ↑", "previous span (in the list: previous trace)"),
        ("Enter / Space", "collapse or expand"),
        ("← / →", "collapse / expand"),
        ("/", "filter"),
        ("n / N", "next / previous match"),
        ("c", "critical path only"),
        (
            "z",
            "zoom to the selected span's subtree (again: whole trace)",
        ),
        ("f", "jump to the first suspect"),
        (
            "Esc",
            "close, clear the selection, leave the zoom, back to the list",
        ),
        ("?", "this help"),
    ];
    view! {
        <Show when=move || st.help.get()>
            <div class="modal-backdrop" on:click=move |_| st.help.set(false)>
                <div class="modal" role="dialog" aria-label="Keyboard shortcuts">
                    <h2>"Keyboard"</h2>
                    <table class="kv">
                        {keys
                            .iter()
                            .map(|(k, what)| view! {
                                <tr>
                                    <th><kbd>{*k}</kbd></th>
                                    <td>{*what}</td>
                                </tr>
                            })
                            .collect_view()}
                    </table>
                    <h2>"Filter"</h2>
                    <p class="small">
                        "Terms must all hold; -term negates. "
                        <code>"word"</code>", "<code>"key=value"</code>", "<code>"key~regex"</code>", "
                        <code>"key=*"</code>", "<code>"status:error"</code>", "<code>"kind:tool"</code>" (model, agent, chat, server…), "
                        <code>"finding:loop"</code>" (or any), "<code>"note:root-cause"</code>" (or any), "<code>"service:name"</code>", "
                        <code>">500ms"</code>", "<code>"<2s"</code>", "<code>"critical"</code>"."
                    </p>
                </div>
            </div>
        </Show>
    }
}
