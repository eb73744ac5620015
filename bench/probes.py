"""The page-side JavaScript of the browser benchmarks: what is measured in the page.

Each snippet is evaluated with Playwright's ``page.evaluate``; times are the
page's ``performance.now()``, so a step is timed from the user's action to the
repaint without the driver's round trips.
"""

__all__ = [
    "ARM_JS",
    "CONFIRMED_JS",
    "FRAME_STATS_JS",
    "IDLE_JS",
    "MARK_JS",
    "PAINT_JS",
    "PAINT_READ_JS",
    "SPLIT_JS",
    "SPLIT_READ_JS",
    "WAIT_JS",
]

# In the page: the time of the user's action, whatever element gets it.
ARM_JS = """() => {
    if (!window.__armed) {
        for (const type of ['keydown', 'mousedown'])
            document.addEventListener(type, () => {
                if (window.__t0 === null) window.__t0 = performance.now();
            }, true);
        window.__armed = true;
    }
    window.__t0 = null;
}"""

# In the page: wait until a map frame shows ``title``, then one more frame
# (Leaflet's canvas renderer repaints in requestAnimationFrame).
WAIT_JS = """async ({sel, title, timeout}) => {
    const start = performance.now();
    const drawn = () => {
        for (const f of document.querySelectorAll(sel)) {
            let w = null;
            try { w = f.contentWindow; if (!w || !w.document) continue; } catch (e) { continue; }
            const t = w.document.querySelector('.fa-legend .fa-title');
            if (t && t.textContent.trim() === title && w.map) return w;
        }
        return null;
    };
    return await new Promise(resolve => {
        const poll = () => {
            const w = drawn();
            if (w) {
                w.requestAnimationFrame(() => w.setTimeout(() => resolve({
                    ms: performance.now() - (window.__t0 ?? start),
                    acted: window.__t0 !== null,
                    mark: w.__benchMark === 1,
                    frames: document.querySelectorAll(sel).length,
                }), 0));
                return;
            }
            if (performance.now() - start > timeout) {
                const f = document.querySelector(sel);
                let shown = null;
                try {
                    const t = f.contentWindow.document.querySelector('.fa-legend .fa-title');
                    shown = t && t.textContent;
                } catch (e) {}
                return resolve({timeout: true, shown});
            }
            setTimeout(poll, 5);
        };
        poll();
    });
}"""

# In the page: wait until Streamlit has finished the run the step started.
IDLE_JS = """async ({timeout}) => {
    const start = performance.now();
    const state = () => {
        const app = document.querySelector('[data-testid=stApp]');
        return app && app.getAttribute('data-test-script-state');
    };
    return await new Promise(resolve => {
        let quiet = 0;
        const poll = () => {
            quiet = ['running', 'rerunRequested'].includes(state()) ? 0 : quiet + 1;
            if (quiet >= 3) return resolve(performance.now() - (window.__t0 ?? start));
            if (performance.now() - start > timeout) return resolve(null);
            setTimeout(poll, 10);
        };
        poll();
    });
}"""

# In the page, before a step: note (page time) the first animation frame after
# the map frame's legend title becomes ``title``. Leaflet redraws its canvases
# in an animation frame asked for while the layers were added, before the
# title was set, so this frame's callback runs after them, just before the
# page is painted. Unlike WAIT_JS's poll, whose timer waits while Streamlit's
# page renders (React tasks of 30-100 ms on a slow machine), this sees when the
# map is painted even if the page is busy right after. A remounted frame (the
# naive app) is not watched: WAIT_JS's time stands.
PAINT_JS = """({sel, title}) => {
    window.__tPaint = null;
    if (window.__paintWatch) window.__paintWatch.disconnect();
    window.__paintWatch = null;
    const f = document.querySelector(sel);
    const w = f && f.contentWindow;
    const legend = w && w.document.querySelector('.fa-legend');
    if (!legend) return false;
    const watch = new w.MutationObserver(() => {
        const t = legend.querySelector('.fa-title');
        if (!t || t.textContent.trim() !== title) return;
        watch.disconnect();
        w.requestAnimationFrame(() => {
            if (window.__tPaint === null) window.__tPaint = performance.now();
        });
    });
    watch.observe(legend, {subtree: true, childList: true, characterData: true});
    window.__paintWatch = watch;
    return true;
}"""

PAINT_READ_JS = """() => window.__tPaint === null || window.__t0 === null
    ? null : window.__tPaint - window.__t0"""

# In the page: how many dates the map frame drew itself that the run's script
# then confirmed (null for a frame without the follow code: the naive app).
CONFIRMED_JS = """sel => {
    const f = document.querySelector(sel);
    const w = f && f.contentWindow;
    return w && w.__faFollow ? w.__faFollow.confirmed : null;
}"""

MARK_JS = """sel => {
    for (const f of document.querySelectorAll(sel)) f.contentWindow.__benchMark = 1;
}"""

# In the page: when the step's message left for the server, and when the map
# frame got its date script (page time), to split a step in three parts.
SPLIT_JS = """sel => {
    if (!window.__splitArmed) {
        const send = WebSocket.prototype.send;
        WebSocket.prototype.send = function (data) {
            if (window.__t0 !== null && window.__tSent === null) window.__tSent = performance.now();
            return send.call(this, data);
        };
        window.__splitArmed = true;
    }
    window.__tSent = null;
    window.__tDraw = null;
    const w = document.querySelector(sel).contentWindow;
    if (w.__fa && !w.__fa.__wrapped) {
        const draw = w.__fa.draw;
        w.__fa.draw = function () {
            if (window.__tDraw === null) window.__tDraw = performance.now();
            return draw.apply(this, arguments);
        };
        w.__fa.__wrapped = true;
    }
}"""

SPLIT_READ_JS = """() => ({sent: window.__tSent, draw: window.__tDraw, t0: window.__t0})"""

FRAME_STATS_JS = """sel => {
    const w = document.querySelector(sel).contentWindow;
    if (w.gc) { w.gc(); window.gc(); }  // --js-flags=--expose-gc: count live objects only
    let layers = 0;
    w.map.eachLayer(() => layers++);
    const heap = w.performance.memory ? w.performance.memory.usedJSHeapSize : null;
    return {layers, heap, groups: (w.feature_group || []).length};
}"""
