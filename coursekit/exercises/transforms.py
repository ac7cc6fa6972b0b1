"""Fixed, named transforms a probe may apply to the learner's object before returning it.

They run where the learner's object lives (the notebook kernel or the sandboxed
submission process) and always return plain data.
"""

import numpy as np

from coursekit.exercises.plain import to_plain


def _framework(obj):
    module = type(obj).__module__ or ""
    for base in type(obj).__mro__:
        module = base.__module__ or ""
        if module.startswith("keras") or module.startswith("tf_keras"):
            return "keras"
        if module.startswith("torch"):
            return "torch"
    return None


def _activation_name(layer):
    act = getattr(layer, "activation", None)
    if act is None:
        return None
    return getattr(act, "__name__", type(act).__name__)


def describe_keras(model) -> dict:
    """Layers of a Keras 3 model: kind, output shape, params, activation, trainable."""
    layers = []
    for layer in model.layers:
        try:
            shape = tuple(layer.output.shape)
        except Exception:  # layer not connected in a graph (e.g. subclassed model)
            shape = None
        layers.append({
            "kind": type(layer).__name__,
            "name": layer.name,
            "output_shape": None if shape is None else [None if d is None else int(d) for d in shape],
            "params": int(layer.count_params()) if layer.built else 0,
            "trainable_params": int(sum(int(np.prod(w.shape)) for w in layer.trainable_weights)),
            "activation": _activation_name(layer),
            "trainable": bool(layer.trainable),
        })
    return {
        "framework": "keras",
        "layers": layers,
        "params": int(model.count_params()),
        "trainable_params": int(sum(int(np.prod(w.shape)) for w in model.trainable_weights)),
    }


def describe_torch(model, input_shape=None) -> dict:
    """Leaf modules of a torch ``nn.Module``; output shapes from a forward pass if ``input_shape``."""
    import torch

    leaves = [(name, mod) for name, mod in model.named_modules() if not list(mod.children())]
    shapes = {}
    hooks = []
    if input_shape is not None:
        for name, mod in leaves:
            hooks.append(mod.register_forward_hook(
                lambda m, i, o, name=name: shapes.__setitem__(name, [None] + list(o.shape[1:]))
            ))
        was_training = model.training
        model.eval()
        with torch.no_grad():
            model(torch.zeros((2,) + tuple(input_shape)))
        model.train(was_training)
        for hook in hooks:
            hook.remove()
    layers = []
    for name, mod in leaves:
        params = list(mod.parameters(recurse=False))
        layers.append({
            "kind": type(mod).__name__,
            "name": name,
            "output_shape": shapes.get(name),
            "params": int(sum(p.numel() for p in params)),
            "trainable_params": int(sum(p.numel() for p in params if p.requires_grad)),
            "activation": None,
            "trainable": all(p.requires_grad for p in params) if params else True,
        })
    return {
        "framework": "torch",
        "layers": layers,
        "params": int(sum(p.numel() for p in model.parameters())),
        "trainable_params": int(sum(p.numel() for p in model.parameters() if p.requires_grad)),
    }


def describe_model(obj, input_shape=None) -> dict:
    """Describe a Keras or torch model as plain data (``{"framework": None}`` otherwise)."""
    kind = _framework(obj)
    if kind == "keras" and hasattr(obj, "layers"):
        return describe_keras(obj)
    if kind == "torch" and hasattr(obj, "named_modules"):
        return describe_torch(obj, input_shape)
    return {"framework": None, "type": type(obj).__name__}


def predict(obj, X):
    """Predictions of a Keras model, a torch module or a plain callable on ``X``."""
    kind = _framework(obj)
    if kind == "keras":
        return to_plain(np.asarray(obj.predict(np.asarray(X), verbose=0)))
    if kind == "torch":
        import torch

        was_training = obj.training
        obj.eval()
        with torch.no_grad():
            out = obj(torch.as_tensor(np.asarray(X), dtype=torch.float32))
        obj.train(was_training)
        return to_plain(out)
    return to_plain(obj(X))


TRANSFORMS = {
    "describe_model": describe_model,
    "predict": predict,
}


def apply(name, obj, *args):
    """Apply transform ``name`` and return plain data."""
    if name not in TRANSFORMS:
        raise KeyError(f"Transformación desconocida: {name}")
    return to_plain(TRANSFORMS[name](obj, *args))
