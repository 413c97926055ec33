import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Catalog } from '../../catalog/types.js';
import type { ViewProps } from './types.js';
import { type Session, getCatalog, getFile, getGenaiPrices, getSession, saveEdits } from './api.js';
import { recompute } from './model.js';
import { type StudioState, type View, MAX_PINS, decodeState, flushUrl, initialState, writeUrlSoon } from './url-state.js';
import { EditorView } from './views/editor.js';
import { ScenarioCards } from './views/scenarios.js';
import { LazyView, VIEW_LIST, preloadView } from './views/registry.js';
import { provideGenaiPrices } from './shims/module.js';
import './style.css';


function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [fatal, setFatal] = useState<string | null>(null);
  const [linkNote, setLinkNote] = useState<string | null>(null);
  const [state, setState] = useState<StudioState | null>(null);
  const [base, setBase] = useState<{ file: string; text: string } | null>(null);
  const [saveMsg, setSaveMsg] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([getSession(), getCatalog(), getGenaiPrices().then(provideGenaiPrices)])
      .then(([s, c]) => {
        setSession(s);
        setCatalog(c);
        const d = decodeState(location.hash);
        if (d.ok === true) setState(d.state);
        else {
          if (d.ok === false) setLinkNote(`This link could not be opened: ${d.reason}. Showing the file the Studio was started with.`);
          setState(initialState(s.file ?? s.files[0] ?? null));
        }
      })
      .catch((e: Error) => setFatal(e.message));
  }, []);

  useEffect(() => {
    if (!state?.file) return;
    if (base?.file === state.file) return;
    getFile(state.file)
      .then((f) => setBase({ file: state.file!, text: f.text }))
      .catch((e: Error) => setFatal(`${state.file}: ${e.message}`));
  }, [state?.file]);

  useEffect(() => {
    if (state) writeUrlSoon(state);
  }, [state]);
  useEffect(() => {
    addEventListener('pagehide', flushUrl);
    return () => removeEventListener('pagehide', flushUrl);
  }, []);

  const computed = useMemo(() => {
    if (!state || !base || !catalog || !session || base.file !== state.file) return null;
    return recompute(base.file, base.text, state.edits, catalog, session.today, state.workload);
  }, [state?.edits, state?.workload, base, catalog, session]);
  // The first priced view on screen: what bench/studio.mjs reads as time to interactive. Then the
  // other views' modules load while the user reads, so switching to one is immediate.
  const shown = () => {
    if (performance.getEntriesByName('studio-interactive').length > 0) return;
    performance.mark('studio-interactive');
    setTimeout(() => VIEW_LIST.forEach((v) => void preloadView(v.id)), 500);
  };

  if (fatal) return <div class="fatal" role="alert">Studio could not start: {fatal}</div>;
  if (!session || !catalog || !state) return <p class="loading">Loading routefit Studio…</p>;
  const set = (patch: Partial<StudioState>) => setState((s) => (s ? { ...s, ...patch } : s));
  if (!state.file) return <NoFile session={session} set={set} />;
  if (!computed || !base) return <p class="loading">Opening {state.file}…</p>;

  const save = async () => {
    setSaveMsg('saving…');
    try {
      const r = await saveEdits(state.file!, state.edits);
      setBase({ file: state.file!, text: r.text });
      set({ edits: [] });
      setSaveMsg(`saved ${r.path}`);
    } catch (e) {
      const err = e as Error & { problems?: { message: string; field?: string; line?: number }[] };
      setSaveMsg(`not saved: ${err.message}${err.problems?.length ? ` — ${err.problems.map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.field ? `${p.field}: ` : ''}${p.message}`).join('; ')}` : ''}`);
    }
  };
  const pin = () => {
    if (state.pins.length >= MAX_PINS) return;
    set({ pins: [...state.pins, { name: `Scenario ${state.pins.length + 1}`, edits: state.edits }] });
  };
  const props: ViewProps = { state, set, computed, session, catalog, baseText: base.text };
  const views = VIEW_LIST.filter((v) => v.available(session));
  const current = views.find((v) => v.id === state.view) ?? views[0]!;

  return (
    <div class="studio">
      <header class="top">
        <h1>routefit Studio</h1>
        <label>
          File{' '}
          <select aria-label="workload file" value={state.file} onChange={(e) => set({ file: (e.target as HTMLSelectElement).value, edits: [], workload: 0, route: null })}>
            {session.files.map((f) => (
              <option value={f}>{f}</option>
            ))}
          </select>
        </label>
        <span class="edits" data-testid="edit-count">
          {state.edits.length ? `${state.edits.length} unsaved change${state.edits.length > 1 ? 's' : ''}` : 'no unsaved changes'}
        </span>
        <button disabled={!state.edits.length} onClick={save} data-testid="save">Save to file</button>
        <button disabled={!state.edits.length} onClick={() => set({ edits: [] })}>Discard changes</button>
        <button disabled={state.pins.length >= MAX_PINS} onClick={pin} data-testid="pin" title="pin this scenario as a card (up to four)">Pin scenario</button>
        <button onClick={() => (flushUrl(), navigator.clipboard?.writeText(location.href))} title="the link holds the whole state">Copy link</button>
        {saveMsg ? <span class="save-msg" role="status">{saveMsg}</span> : null}
      </header>
      {linkNote ? <p class="note" role="alert">{linkNote}</p> : null}
      <nav class="views">
        {views.map((v) => (
          <button class={v.id === current.id ? 'active' : ''} data-view={v.id} onClick={() => set({ view: v.id as View })}>
            {v.title}
          </button>
        ))}
      </nav>
      <ScenarioCards {...props} />
      {/* data-testid once the view's module is here and drawn (tests and people wait for the view, not the chunk). */}
      <LazyView id={current.id} props={props} onShown={shown} />
    </div>
  );
}

function NoFile({ session, set }: { session: Session; set: ViewProps['set'] }) {
  return (
    <div class="nofile">
      <h1>routefit Studio</h1>
      <p>There is no workload file in this folder yet. Start from a preset in the editor, or restart with <code>routefit studio FILE</code>.</p>
      <EditorView.Presets session={session} onCreated={(file) => set({ file, edits: [] })} />
    </div>
  );
}

// The first view's module loads beside the data it shows.
{
  const d = decodeState(location.hash);
  void preloadView(d.ok === true ? d.state.view : 'compare');
}
render(<App />, document.getElementById('app')!);
