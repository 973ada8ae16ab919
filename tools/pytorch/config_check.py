"""model.json validation for the Python tools (models/README.md §1, §6), with the converter's words.

Every problem is a ConfigError whose message names the field, like edge-attention-convert:
  model.json: field 'heads' d_model (64) must be divisible by heads (5); fix the config and re-run train.py
CLI tools call `load_config(path, tool)` / `validate_config(cfg, ...)` and turn a ConfigError into
one line on stderr and exit code 2 (`exit_on_error`). The rules are the converter's (ModelConfig):
unknown / duplicate / missing fields, JSON types, ranges, d_model % heads, and the §6 frontend block
(H <= W <= N, N a power of two, 0 <= fmin < fmax <= sr/2, input_features == frontend.mels).
"""
import json
import math
import sys

SCHEMA = "edge-attention/model@1"
MAX_DIMENSION = 1 << 20
MAX_LAYERS = 1024
MAX_CLASSES = 1 << 16
MAX_PINV_ITERATIONS = 100

TOP_LEVEL = ["schema", "name", "input_features", "d_model", "heads", "window", "layers", "ff_dim",
             "activation", "norm", "layer_norm_eps", "positional", "attention", "final_norm", "classes",
             "frontend"]
POSITIONAL = ["kind", "period"]
ATTENTION = ["kind", "landmarks", "landmark_mode", "pinv_iterations"]
FRONTEND = ["kind", "sample_rate", "window", "hop", "fft", "mels", "fmin", "fmax", "log_floor"]


class ConfigError(ValueError):
    """A model.json problem; str() is the one-line message."""


def _kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


class _Checker:
    def __init__(self, source, tool):
        self.source, self.tool = source, tool

    def field(self, name, problem):
        return ConfigError(f"{self.source}: field '{name}' {problem}; fix the config and re-run {self.tool}")

    def fields(self, obj, prefix, known):
        for k in obj:
            if k not in known:
                raise self.field(prefix + k, f"is not a known field (known: {', '.join(known)})")

    def required(self, obj, name, prefix=""):
        if name not in obj:
            raise self.field(prefix + name, "is required but missing")
        return obj[name]

    def int(self, v, name, lo, hi):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self.field(name, f"must be an integer (got {_kind(v)})")
        if isinstance(v, float):
            if not math.isfinite(v) or v != math.floor(v):
                raise self.field(name, f"must be an integer in range (got {v!r})")
            v = int(v)
        if v < lo or v > hi:
            raise self.field(name, f"must be between {lo} and {hi} (got {v})")
        return v

    def number(self, v, name):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self.field(name, f"must be a number (got {_kind(v)})")
        if not math.isfinite(v):
            raise self.field(name, f"must be a finite number (got {v!r})")
        return float(v)

    def str(self, v, name):
        if not isinstance(v, str):
            raise self.field(name, f"must be a string (got {_kind(v)})")
        return v

    def choice(self, v, name, choices):
        s = self.str(v, name)
        if s not in choices:
            raise self.field(name, f"is \"{s[:40]}\" but must be one of {', '.join(repr(c).replace(chr(39), chr(34)) for c in choices)}")
        return s

    def obj(self, v, name, example):
        if not isinstance(v, dict):
            raise self.field(name, f"must be an object like {example}")
        return v


def validate_frontend(fe, source="model.json", tool="edge-attention-convert", prefix="frontend."):
    """Checks a §6 frontend block; returns it with log_floor filled in."""
    c = _Checker(source, tool)
    c.obj(fe, prefix.rstrip("."), '{"kind": "log-mel", ...}')
    c.fields(fe, prefix, FRONTEND)
    c.choice(c.required(fe, "kind", prefix), prefix + "kind", ["log-mel"])
    sr = c.int(c.required(fe, "sample_rate", prefix), prefix + "sample_rate", 1000, 1 << 24)
    n_fft = c.int(c.required(fe, "fft", prefix), prefix + "fft", 1, 1 << 20)
    if n_fft & (n_fft - 1):
        raise c.field(prefix + "fft", f"must be a power of two (got {n_fft})")
    W = c.int(c.required(fe, "window", prefix), prefix + "window", 1, n_fft)
    c.int(c.required(fe, "hop", prefix), prefix + "hop", 1, W)
    c.int(c.required(fe, "mels", prefix), prefix + "mels", 1, 4096)
    fmin = c.number(c.required(fe, "fmin", prefix), prefix + "fmin")
    fmax = c.number(c.required(fe, "fmax", prefix), prefix + "fmax")
    if fmin < 0:
        raise c.field(prefix + "fmin", f"must be >= 0 (got {fmin:g})")
    if fmax > sr / 2:
        raise c.field(prefix + "fmax", f"must be at most sample_rate / 2 = {sr / 2:g} (got {fmax:g})")
    if not fmin < fmax:
        raise c.field(prefix + "fmax", f"must be greater than fmin ({fmin:g}) (got {fmax:g})")
    out = dict(fe)
    if "log_floor" in fe:
        if c.number(fe["log_floor"], prefix + "log_floor") <= 0:
            raise c.field(prefix + "log_floor", f"must be > 0 (got {fe['log_floor']!r})")
    else:
        out["log_floor"] = 1e-6
    return out


def validate_config(cfg, source="model.json", tool="edge-attention-convert"):
    """Checks a model.json dict (models/README.md §1 + §6); returns it unchanged. Raises ConfigError."""
    c = _Checker(source, tool)
    if not isinstance(cfg, dict):
        raise ConfigError(f"{source}: the top level must be a JSON object; fix the config and re-run {tool}")
    c.fields(cfg, "", TOP_LEVEL)
    schema = c.str(c.required(cfg, "schema"), "schema")
    if schema != SCHEMA:
        raise c.field("schema", f"is \"{schema}\" but this runtime reads \"{SCHEMA}\"")
    if "name" in cfg and cfg["name"] is not None:
        c.str(cfg["name"], "name")
    F = c.int(c.required(cfg, "input_features"), "input_features", 1, MAX_DIMENSION)
    d = c.int(c.required(cfg, "d_model"), "d_model", 1, MAX_DIMENSION)
    h = c.int(c.required(cfg, "heads"), "heads", 1, MAX_DIMENSION)
    if d % h:
        raise c.field("heads", f"d_model ({d}) must be divisible by heads ({h})")
    c.int(c.required(cfg, "window"), "window", 1, MAX_DIMENSION)
    c.int(c.required(cfg, "layers"), "layers", 1, MAX_LAYERS)
    c.int(c.required(cfg, "ff_dim"), "ff_dim", 1, MAX_DIMENSION)
    c.choice(c.required(cfg, "activation"), "activation", ["gelu", "relu"])
    c.choice(c.required(cfg, "norm"), "norm", ["post", "pre"])
    if "layer_norm_eps" in cfg and not c.number(cfg["layer_norm_eps"], "layer_norm_eps") > 0:
        raise c.field("layer_norm_eps", f"must be a finite number > 0 (got {cfg['layer_norm_eps']!r})")
    pos = c.obj(c.required(cfg, "positional"), "positional", '{"kind": "none"}')
    c.fields(pos, "positional.", POSITIONAL)
    kind = c.choice(c.required(pos, "kind", "positional."), "positional.kind", ["none", "recycling"])
    if kind == "recycling":
        c.int(c.required(pos, "period", "positional."), "positional.period", 1, MAX_DIMENSION)
    elif "period" in pos:
        c.int(pos["period"], "positional.period", 1, MAX_DIMENSION)
    att = c.obj(c.required(cfg, "attention"), "attention", '{"kind": "softmax"}')
    c.fields(att, "attention.", ATTENTION)
    akind = c.choice(c.required(att, "kind", "attention."), "attention.kind", ["softmax", "nystrom"])
    if akind == "nystrom":
        c.int(c.required(att, "landmarks", "attention."), "attention.landmarks", 1, MAX_DIMENSION)
        c.choice(c.required(att, "landmark_mode", "attention."), "attention.landmark_mode",
                 ["window", "continual", "fixed"])
        if "pinv_iterations" in att:
            c.int(att["pinv_iterations"], "attention.pinv_iterations", 1, MAX_PINV_ITERATIONS)
    fn = c.required(cfg, "final_norm")
    if not isinstance(fn, bool):
        raise c.field("final_norm", f"must be true or false (got {_kind(fn)})")
    classes = c.required(cfg, "classes")
    if not isinstance(classes, list):
        raise c.field("classes", "must be an array of class names")
    if not classes:
        raise c.field("classes", "must list at least one class name")
    if len(classes) > MAX_CLASSES:
        raise c.field("classes", f"has {len(classes)} entries; at most {MAX_CLASSES} are supported")
    for i, name in enumerate(classes):
        c.str(name, f"classes[{i}]")
    if "frontend" in cfg:
        fe = validate_frontend(cfg["frontend"], source, tool)
        if fe["mels"] != F:
            raise c.field("input_features", f"is {F} but frontend.mels is {fe['mels']}; they must be equal")
    return cfg


def _reject_duplicates(pairs):
    seen = {}
    for k, v in pairs:
        if k in seen:
            raise ConfigError(f"field '{k}' appears more than once")
        seen[k] = v
    return seen


def load_config(path, tool="edge-attention-convert"):
    """Read + parse + validate model.json; ConfigError naming the file and field on any problem."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read config: {e.strerror or e}") from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not valid UTF-8 text; save the config as UTF-8 and re-run {tool}") from e
    try:
        cfg = json.loads(text, object_pairs_hook=_reject_duplicates)
    except ConfigError as e:
        raise ConfigError(f"{path}: {e}; fix the config and re-run {tool}") from e
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}: not valid JSON ({e.msg} at line {e.lineno} column {e.colno}); "
                          f"fix the config and re-run {tool}") from e
    return validate_config(cfg, path, tool)


def exit_on_error(fn, *args, **kwargs):
    """Run fn; a ConfigError (or ValueError raised for bad data) becomes one line on stderr + exit 2."""
    try:
        return fn(*args, **kwargs)
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
