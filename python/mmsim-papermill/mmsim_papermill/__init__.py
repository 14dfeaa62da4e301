"""papermill's TypeScript translator for mmsim's notebooks (kernel "tslab", language "typescript").

papermill looks translators up in a registry (papermill.translators.papermill_translators) and has no entry-point
group for them; it does load every `papermill.engine` entry point when papermill.engines is imported. This package's
entry point is MmsimEngine (papermill's own nbclient engine, unchanged, registered as "mmsim"); importing this module
to load it registers the translator below, which is what matters: the default engine then parameterises TypeScript
notebooks too.

The injected cell is the one mmsim's `mmsim run` writes (src/notebook/inject.ts, injectedSource), character for
character; both are tested on test/notebook/injected-cells.json:

    // Parameters injected by papermill or `mmsim run`: checked, then they override the defaults in the cell above.
    void Object.assign(params, require("mmsim/notebook").checkParameters(params, { "threads": 4 }, {...}));

The last argument tells the check in the kernel what to check against: metadata.mmsim.experiments, and the notebook's
own specs (metadata.mmsim.params) of the overridden names. papermill hands a translator the parameters only, not the
notebook, so `codify` finds the notebook in papermill's parameterize_notebook frame (papermill 2.x); without it (a
caller other than papermill's), the cell checks against the parameters cell's defaults alone.
"""

import json
import math
import re
import sys
from decimal import Decimal


def __getattr__(name):
    """MmsimEngine, made on first use (PEP 562). Imported first, this module imports papermill, which loads its entry
    points and so asks this module for MmsimEngine while it is still being imported: it must be there already."""
    if name == "MmsimEngine":
        from papermill.engines import NBClientEngine

        class MmsimEngine(NBClientEngine):
            """papermill's nbclient engine, unchanged (`--engine mmsim` is the default engine); the entry point exists
            so that papermill imports this module, which registers the translator."""

        globals()["MmsimEngine"] = MmsimEngine
        return MmsimEngine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


from papermill.models import Parameter  # noqa: E402 (after __getattr__, see there)
from papermill.translators import Translator, papermill_translators  # noqa: E402

__all__ = ["TypeScriptTranslator", "MmsimEngine", "injected_source", "injected_schema", "js_number", "js_json"]

INJECTED_COMMENT = (
    "// Parameters injected by papermill or `mmsim run`: checked, then they override the defaults in the cell above."
)
SPEC_KEYS = ("type", "unit", "min", "max", "choices")


def js_number(x):
    """A number as JavaScript's Number.prototype.toString (and so JSON.stringify) writes it: 2500.0 -> "2500",
    1e-07 -> "1e-7", 1.5e-06 -> "0.0000015", 1e21 -> "1e+21"."""
    if isinstance(x, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(x, int):
        x = float(x) if abs(x) >= 2**53 else x
        if isinstance(x, int):
            return str(x)
    if not math.isfinite(x):
        return "null"  # JSON.stringify(NaN) and of infinities
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    # repr is the shortest string that round-trips, as JavaScript's; only the layout differs.
    digits, exponent = Decimal(repr(abs(x))).normalize().as_tuple()[1:]
    s = "".join(map(str, digits))
    k = len(s)
    n = exponent + k  # the decimal point sits after n digits
    if k <= n <= 21:
        out = s + "0" * (n - k)
    elif 0 < n <= 21:
        out = s[:n] + "." + s[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + s
    else:
        e = n - 1
        out = (s[0] + ("." + s[1:] if k > 1 else "")) + ("e+" if e >= 0 else "e-") + str(abs(e))
    return sign + out


def js_json(value):
    """JSON.stringify(value) with no spacing, as mmsim's injected cell writes values."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(js_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(str(k), ensure_ascii=False) + ":" + js_json(v) for k, v in value.items()) + "}"
    # papermill's -p gives str, int, float, bool or None; YAML may give dates and the like: as strings.
    return json.dumps(str(value), ensure_ascii=False)


def injected_schema(mmsim_metadata, names):
    """What the injected cell checks against: {"experiments": [...], "params": {name: spec in brief}}."""
    meta = mmsim_metadata if isinstance(mmsim_metadata, dict) else {}
    schema = {"experiments": list(meta.get("experiments") or [])}
    own = meta.get("params") or {}
    params = {}
    for name in names:
        spec = own.get(name)
        if isinstance(spec, dict):
            params[name] = {k: spec[k] for k in SPEC_KEYS if k in spec}
    if params:
        schema["params"] = params
    return schema


def injected_source(variable, parameters, schema):
    """The injected cell's source: mmsim's injectedSource."""
    body = ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {js_json(v)}" for k, v in parameters.items())
    return (
        f"{INJECTED_COMMENT}\n"
        f'void Object.assign({variable}, require("mmsim/notebook").checkParameters({variable}, {{ {body} }}, '
        f"{js_json(schema)}));"
    )


PARAMS_DECLARATION = re.compile(r"^\s*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=", re.MULTILINE)


def params_variable(nb):
    """The variable the notebook's parameters cell declares (`const params = {...}`), "params" when unknown."""
    for cell in getattr(nb, "cells", []) or []:
        if cell.get("cell_type") == "code" and "parameters" in (cell.get("metadata", {}).get("tags") or []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            match = PARAMS_DECLARATION.search(re.sub(r"//[^\n]*", "", source))
            if match:
                return match.group(1)
    return "params"


def notebook_being_parameterized():
    """The notebook papermill is parameterising: a local of papermill.parameterize.parameterize_notebook, which
    calls translate_parameters, which calls codify. None when codify was called some other way."""
    frame = sys._getframe(1)
    for _ in range(8):
        frame = frame.f_back
        if frame is None:
            return None
        if frame.f_code.co_name == "parameterize_notebook" and "nb" in frame.f_locals:
            return frame.f_locals["nb"]
    return None


# One entry of the params object per line, as mmsim's notebooks write them: `  threads: 8, // K: threads contending`.
PARAMS_ENTRY = re.compile(r"^\s*([A-Za-z_$][\w$]*)\s*:\s*(.*?)\s*,?\s*(?://\s*(.*))?$")


def js_type_name(text):
    """The type of a default as written: number, string, boolean, a list of them, or None (computed)."""
    text = re.sub(r"\s+(as|satisfies)\s+.*$", "", text.strip())
    if re.fullmatch(r"-?[\d_]+(\.[\d_]*)?(e[-+]?\d+)?", text, re.IGNORECASE):
        return "number"
    if re.fullmatch(r"""(['"`]).*\1""", text):
        return "string"
    if text in ("true", "false"):
        return "boolean"
    if text.startswith("["):
        inner = [js_type_name(t) for t in text.strip("[]").split(",") if t.strip()]
        return f"{inner[0]}[]" if inner and inner[0] and len(set(inner)) == 1 else "list"
    return "None"


class TypeScriptTranslator(Translator):
    """Parameters for the tslab kernel, in mmsim's injected cell."""

    @classmethod
    def inspect(cls, parameters_cell):
        """The entries of the params object (for `papermill --help-notebook` and papermill's unknown-name check)."""
        source = parameters_cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        found = []
        for line in source.splitlines()[1:]:
            m = PARAMS_ENTRY.match(line)
            if m and not line.strip().startswith("//"):
                name, default, help_text = m.group(1), m.group(2).rstrip(","), m.group(3) or ""
                found.append(Parameter(name, js_type_name(default), default, help_text))
        return found

    @classmethod
    def translate_str(cls, val):
        return json.dumps(val, ensure_ascii=False)

    @classmethod
    def translate_none(cls, val):
        return "null"

    @classmethod
    def translate_int(cls, val):
        return js_number(val)

    @classmethod
    def translate_float(cls, val):
        return js_number(val)

    @classmethod
    def translate_dict(cls, val):
        return js_json(val)

    @classmethod
    def translate_list(cls, val):
        return js_json(val)

    @classmethod
    def comment(cls, cmt_str):
        return f"// {cmt_str}".strip()

    @classmethod
    def assign(cls, name, str_val):
        return f"{name} = {str_val};"

    @classmethod
    def codify(cls, parameters, comment="Parameters"):
        nb = notebook_being_parameterized()
        meta = nb.get("metadata", {}).get("mmsim", {}) if nb is not None else {}
        variable = params_variable(nb) if nb is not None else "params"
        return injected_source(variable, parameters, injected_schema(meta, list(parameters)))


papermill_translators.register("tslab", TypeScriptTranslator)
papermill_translators.register("typescript", TypeScriptTranslator)
