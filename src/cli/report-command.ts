/** `mmsim report`: the main job without the installation: run every notebook at its defaults, write reports/. */
import { reportAll } from "../notebook/report-all";
import { parseArgs, UsageError } from "./args";
import { asUsageErrors, NotebookRunError } from "./run-command";

export const REPORT_HELP = `usage: mmsim report [notebook.ipynb]... [--notebooks DIR] [--reports DIR] [--pdf]

Runs every notebook in notebooks/ (or only those named) at its defaults through the project's Jupyter, and writes
reports/<name>.html, the executed reports/<name>.ipynb, and reports/index.html (each notebook's verdicts first).
A failing notebook keeps its previous report; the others still run; the exit status is non-zero.

  --pdf   also print each new report to reports/<name>.pdf (A4), through Debian's chromium (/usr/bin/chromium)
`;

export async function reportCommand(argv: string[], out: (s: string) => void): Promise<void> {
  const args = parseArgs(argv, ["help", "h", "pdf"]);
  if (args.options.some((o) => o.name === "help" || o.name === "h")) return out(REPORT_HELP);
  let notebooksDir: string | undefined;
  let reportsDir: string | undefined;
  let pdf = false;
  for (const o of args.options) {
    if (o.name === "notebooks") notebooksDir = String(o.value);
    else if (o.name === "reports") reportsDir = String(o.value);
    else if (o.name === "pdf") pdf = true;
    else throw new UsageError(`unknown option '--${o.name}'; options: --notebooks DIR, --reports DIR, --pdf`);
  }
  const result = await asUsageErrors(() =>
    reportAll({
      notebooksDir,
      reportsDir,
      pdf,
      only: args.positionals.length ? args.positionals : undefined,
      log: (line) => out(line + "\n"),
    }),
  );
  if (result.failed.length > 0) {
    throw new NotebookRunError(
      `${result.failed.length} notebook${result.failed.length === 1 ? "" : "s"} failed: ${result.failed.map((s) => s.file).join(", ")} (see above; their previous reports are kept)`,
    );
  }
}
