"""A new learner's path in a real browser: the workspace, Run All, three wrong tries, one right.

Chromium (Debian package) driven by Playwright, against JupyterLab serving a fresh
workspace (student edition) on 127.0.0.1. Skipped, with the reason, where Chromium or
Playwright is not installed (scripts/test.sh installs them on CI).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
JUPYTER = Path(sys.executable).parent / "jupyter"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
NOTEBOOK = "01_neurona_artificial.ipynb"
TOKEN = "prueba-navegador"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.slow

SIGN_FLIPPED = "def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(np.asarray(z, dtype=float)))\n"
STABLE = ("def sigmoid(z):\n    z = np.asarray(z, dtype=float)\n"
          "    return np.exp(-np.logaddexp(0.0, -z))\n")

# JavaScript run in the page (JupyterLab exposes its application with --expose-app-in-browser).
JS_NOTEBOOK = "() => window.jupyterapp.shell.currentWidget.content"
JS_BUSY = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.sessionContext || !panel.sessionContext.session) return true;
  const status = panel.sessionContext.session.kernel.status;
  const running = [...document.querySelectorAll('.jp-InputArea-prompt')].some(p => p.textContent.includes('*'));
  return status !== 'idle' || running;
}"""
JS_OUTPUTS = """() => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  const out = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    out.push({type: cell.type, meta: cell.getMetadata ? cell.getMetadata('coursekit') || null : null,
              count: cell.type === 'code' ? cell.executionCount : null,
              outputs: cell.type === 'code' ? cell.outputs.toJSON() : []});
  }
  return out;
}"""
JS_SET_AND_RUN = """async ([index, source]) => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cell = panel.content.model.cells.get(index);
  cell.sharedModel.setSource(source);
  panel.content.activeCellIndex = index;
  await window.jupyterapp.commands.execute('notebook:run-cell');
}"""


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium no está instalado (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="falta el paquete playwright")
    from coursekit.workspace import prepare, write_lab_settings

    tmp = tmp_path_factory.mktemp("navegador")
    workspace = tmp / "mi-curso"
    prepare(ROOT / "notebooks", workspace)
    write_lab_settings()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"), "COURSEKIT_FAST": "1",
           "COURSEKIT_HEADLESS": "1", "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "lab-workspaces")}
    for _ in range(3):
        port = _free_port()
        proc = subprocess.Popen(
            [str(JUPYTER), "lab", "--no-browser", f"--port={port}", "--port-retries=0", "--ip=127.0.0.1",
             f"--IdentityProvider.token={TOKEN}", f"--notebook-dir={workspace}", "--expose-app-in-browser"]
            + (["--allow-root"] if os.geteuid() == 0 else []),
            cwd=workspace, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 90
        while proc.poll() is None and time.time() < deadline:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
                yield base, workspace
                proc.terminate()
                proc.wait(timeout=30)
                return
            except OSError:
                time.sleep(0.5)
        proc.kill()
        proc.wait(timeout=30)
    raise AssertionError("JupyterLab no arrancó")


def _wait_idle(page, timeout=300):
    deadline = time.time() + timeout
    time.sleep(1.0)
    while page.evaluate(JS_BUSY):
        assert time.time() < deadline, "el cuaderno no terminó a tiempo"
        time.sleep(0.5)


def _check_text(cells, exercise_id):
    for cell in cells:
        if (cell["meta"] or {}).get("check") == exercise_id:
            return "\n".join("".join(o.get("data", {}).get("text/plain", "")) for o in cell["outputs"]
                             if o.get("output_type") in ("display_data", "execute_result"))
    raise AssertionError(f"no hay celda de comprobación {exercise_id}")


def _index(cells, key, exercise_id):
    return next(i for i, c in enumerate(cells) if (c["meta"] or {}).get(key) == exercise_id)


def test_new_learner_path_in_a_real_browser(lab):
    from playwright.sync_api import sync_playwright

    base, workspace = lab
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?reset&token={TOKEN}")
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                                   " && window.jupyterapp.shell.currentWidget.content"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext.session", timeout=120_000)
            _wait_idle(page)
            # Run All of the student edition: to the end, no error output, every check pending.
            page.evaluate("() => window.jupyterapp.commands.execute('runmenu:run-all')")
            _wait_idle(page)
            cells = page.evaluate(JS_OUTPUTS)
            errors = [o for c in cells for o in c["outputs"] if o.get("output_type") == "error"]
            assert not errors, [(e.get("ename"), e.get("evalue")) for e in errors]
            checks = [c for c in cells if (c["meta"] or {}).get("check")]
            assert checks and all("pendiente" in _check_text(cells, c["meta"]["check"]) for c in checks)
            assert all(c["count"] for c in cells if c["type"] == "code"), "alguna celda no llegó a ejecutarse"
            # Three wrong tries: three different hints, the first about the diagnosed mistake.
            solution, check_cell = _index(cells, "exercise", "01.1"), _index(cells, "check", "01.1")
            hints = []
            for _ in range(3):
                page.evaluate(JS_SET_AND_RUN, [solution, SIGN_FLIPPED])
                _wait_idle(page)
                page.evaluate(JS_SET_AND_RUN, [check_cell, 'check("01.1", sigmoid)'])
                _wait_idle(page)
                text = _check_text(page.evaluate(JS_OUTPUTS), "01.1")
                assert "todavía no" in text
                hints += [line for line in text.splitlines() if "💡" in line]
            assert len(hints) == 3 and len(set(hints)) == 3, hints
            assert "signo" in hints[0] and "Pista 1 de" in hints[0]
            assert "np.where" not in " ".join(hints)
            # Right: it passes, and the course's solution is offered, folded.
            page.evaluate(JS_SET_AND_RUN, [solution, STABLE])
            _wait_idle(page)
            page.evaluate(JS_SET_AND_RUN, [check_cell, 'check("01.1", sigmoid)'])
            _wait_idle(page)
            assert "¡correcto!" in _check_text(page.evaluate(JS_OUTPUTS), "01.1")
            details = page.locator("details", has_text="Compara con la solución del curso")
            assert details.count() == 1 and details.get_attribute("open") is None
            page.screenshot(path=str(workspace.parent / "navegador.png"), full_page=False)
        finally:
            browser.close()
