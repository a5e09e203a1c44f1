"""Golden fixtures for the WebGPU model, llm.c style: the same tiny Qwen2/Llama decoder written
independently in PyTorch (float64), its parameters, inputs, logits, loss, every parameter
gradient and the loss over 10 AdamW steps, saved as one safetensors file per family.

Run with Debian's PyTorch:  /usr/bin/python3 test/golden/make_golden.py
The model is written out here (not imported from transformers) so the fixture depends only on
the maths of Qwen2ForCausalLM / LlamaForCausalLM: RMSNorm, rotary embeddings with rotate_half,
grouped-query causal attention, SwiGLU MLP, (tied) lm_head.
"""
import json
import math
import os
import struct

import torch

torch.manual_seed(0)
HERE = os.path.dirname(os.path.abspath(__file__))

# Mirrors presetConfig(family, 'tiny', 29) in lib/model/config.ts; the fixture carries its own
# config.json so the TypeScript side reads the shape from here, not from its presets.
FAMILIES = {
    "qwen-like": dict(model_type="qwen2", architectures=["Qwen2ForCausalLM"], hidden_size=36, intermediate_size=52,
                      num_hidden_layers=2, num_attention_heads=3, num_key_value_heads=1, vocab_size=29,
                      max_position_embeddings=32, rope_theta=10000.0, rms_norm_eps=1e-6, tie_word_embeddings=True),
    "llama-like": dict(model_type="llama", architectures=["LlamaForCausalLM"], hidden_size=36, intermediate_size=52,
                       num_hidden_layers=2, num_attention_heads=3, num_key_value_heads=3, vocab_size=29,
                       max_position_embeddings=32, rope_theta=10000.0, rms_norm_eps=1e-5, tie_word_embeddings=False,
                       attention_bias=False, mlp_bias=False),
}
B, T = 2, 7
ADAM = dict(lr=3e-3, beta1=0.9, beta2=0.95, eps=1e-8, weight_decay=0.1, max_grad_norm=1.0, steps=10)


def make_params(c):
    D, F, V, L = c["hidden_size"], c["intermediate_size"], c["vocab_size"], c["num_hidden_layers"]
    H, KV = c["num_attention_heads"], c["num_key_value_heads"]
    dh = D // H
    bias = c["model_type"] == "qwen2"
    p = {}

    def mat(name, shape, std=0.02):
        p[name] = torch.randn(*shape, dtype=torch.float64) * std

    # Norm weights and biases are perturbed away from 1 and 0 so their gradients are exercised.
    def vec(name, n, centre):
        p[name] = centre + 0.1 * torch.randn(n, dtype=torch.float64)

    mat("model.embed_tokens.weight", (V, D), 0.2)
    for l in range(L):
        pre = f"model.layers.{l}."
        mat(pre + "self_attn.q_proj.weight", (H * dh, D), 0.3)
        mat(pre + "self_attn.k_proj.weight", (KV * dh, D), 0.3)
        mat(pre + "self_attn.v_proj.weight", (KV * dh, D), 0.3)
        mat(pre + "self_attn.o_proj.weight", (D, H * dh), 0.2)
        mat(pre + "mlp.gate_proj.weight", (F, D), 0.3)
        mat(pre + "mlp.up_proj.weight", (F, D), 0.3)
        mat(pre + "mlp.down_proj.weight", (D, F), 0.2)
        vec(pre + "input_layernorm.weight", D, 1.0)
        vec(pre + "post_attention_layernorm.weight", D, 1.0)
        if bias:
            vec(pre + "self_attn.q_proj.bias", H * dh, 0.0)
            vec(pre + "self_attn.k_proj.bias", KV * dh, 0.0)
            vec(pre + "self_attn.v_proj.bias", KV * dh, 0.0)
    vec("model.norm.weight", D, 1.0)
    if not c["tie_word_embeddings"]:
        mat("lm_head.weight", (V, D), 0.3)
    # Round to f32 so both sides start from exactly the same values.
    return {k: v.float().double().requires_grad_() for k, v in p.items()}


def rmsnorm(x, w, eps):
    return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * w


def rope(x, theta):
    # x: [B, heads, T, dh]; Hugging Face rotate_half convention: pairs (i, i + dh/2)
    dh = x.shape[-1]
    inv = 1.0 / (theta ** (torch.arange(0, dh, 2, dtype=torch.float64) / dh))
    ang = torch.arange(x.shape[2], dtype=torch.float64)[:, None] * inv[None, :]
    emb = torch.cat([ang, ang], -1)
    x1, x2 = x[..., : dh // 2], x[..., dh // 2:]
    return x * emb.cos() + torch.cat([-x2, x1], -1) * emb.sin()


def forward(p, c, ids):
    D, L = c["hidden_size"], c["num_hidden_layers"]
    H, KV = c["num_attention_heads"], c["num_key_value_heads"]
    dh, eps, theta = D // H, c["rms_norm_eps"], c["rope_theta"]
    bias = c["model_type"] == "qwen2"
    x = p["model.embed_tokens.weight"][ids]  # [B, T, D]
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
    for l in range(L):
        pre = f"model.layers.{l}."
        lin = lambda h, n: h @ p[pre + n + ".weight"].T + (p[pre + n + ".bias"] if bias and "self_attn" in n and "o_proj" not in n else 0)
        h = rmsnorm(x, p[pre + "input_layernorm.weight"], eps)
        q = lin(h, "self_attn.q_proj").view(B, T, H, dh).transpose(1, 2)
        k = lin(h, "self_attn.k_proj").view(B, T, KV, dh).transpose(1, 2)
        v = lin(h, "self_attn.v_proj").view(B, T, KV, dh).transpose(1, 2)
        q, k = rope(q, theta), rope(k, theta)
        k = k.repeat_interleave(H // KV, dim=1)
        v = v.repeat_interleave(H // KV, dim=1)
        s = (q @ k.transpose(-1, -2)) / math.sqrt(dh)
        a = torch.softmax(s.masked_fill(mask, float("-inf")), -1) @ v
        x = x + a.transpose(1, 2).reshape(B, T, H * dh) @ p[pre + "self_attn.o_proj.weight"].T
        h = rmsnorm(x, p[pre + "post_attention_layernorm.weight"], eps)
        g = h @ p[pre + "mlp.gate_proj.weight"].T
        u = h @ p[pre + "mlp.up_proj.weight"].T
        x = x + (torch.nn.functional.silu(g) * u) @ p[pre + "mlp.down_proj.weight"].T
    x = rmsnorm(x, p["model.norm.weight"], eps)
    head = p["model.embed_tokens.weight" if c["tie_word_embeddings"] else "lm_head.weight"]
    return (x @ head.T).reshape(B * T, -1)


def loss_fn(logits, targets, weights):
    logp = torch.log_softmax(logits, -1).gather(1, targets[:, None])[:, 0]
    return -(weights * logp), logp


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    blobs, at = [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [at, at + len(data)]}
        blobs.append(data)
        at += len(data)
    h = json.dumps(header).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def write_dtypes_fixture():
    """The same values stored as F32, F16 and BF16 (and I64 ids), to test dtype conversion on load."""
    vals = torch.tensor([0.0, 1.0, -2.5, 3.140625, 65504.0, -1e-3, 6e-5, 1e-7], dtype=torch.float32)
    blobs = {"f32": (vals.numpy().tobytes(), "F32"),
             "f16": (vals.half().numpy().tobytes(), "F16"),
             "bf16": (vals.to(torch.bfloat16).view(torch.int16).numpy().tobytes(), "BF16"),
             "i64": (torch.tensor([0, 7, -3, 2**40]).numpy().tobytes(), "I64")}
    header, at = {"__metadata__": {"values_f16": json.dumps(vals.half().float().tolist()),
                                   "values_bf16": json.dumps(vals.to(torch.bfloat16).float().tolist())}}, 0
    for name, (data, dt) in blobs.items():
        n = len(data) // (8 if dt == "I64" else 4 if dt == "F32" else 2)
        header[name] = {"dtype": dt, "shape": [2, n // 2], "data_offsets": [at, at + len(data)]}
        at += len(data)
    h = json.dumps(header).encode()
    with open(os.path.join(HERE, "dtypes.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(d for d, _ in blobs.values()))


def main():
    write_dtypes_fixture()
    for family, c in FAMILIES.items():
        p = make_params(c)
        V = c["vocab_size"]
        ids = torch.randint(0, V, (B, T))
        targets = torch.randint(0, V, (B * T,))
        w = torch.rand(B * T, dtype=torch.float64)
        w[[1, 5, 9]] = 0.0  # masked tokens: exactly zero gradient rows
        w = (w / w.sum()).float().double()
        logits = forward(p, c, ids)
        per_tok, logp = loss_fn(logits, targets, w)
        loss = per_tok.sum()
        loss.backward()
        out = {"ids": ids.reshape(-1).double(), "targets": targets.double(), "weights": w,
               "logits": logits, "loss_per_token": per_tok, "logprob": logp}
        for k, v in p.items():
            out["param." + k] = v.detach().clone()  # AdamW below updates v in place
            out["grad." + k] = v.grad.clone()

        # 10 AdamW steps with clipping to max_grad_norm (coefficient min(1, max/‖g‖)), decoupled
        # weight decay on matrices and embeddings only (the layout's two groups).
        decay = [v for k, v in p.items() if v.dim() == 2]
        nodecay = [v for k, v in p.items() if v.dim() == 1]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": ADAM["weight_decay"]},
                                 {"params": nodecay, "weight_decay": 0.0}],
                                lr=ADAM["lr"], betas=(ADAM["beta1"], ADAM["beta2"]), eps=ADAM["eps"])
        losses = []
        for step in range(ADAM["steps"] + 1):
            opt.zero_grad()
            l = loss_fn(forward(p, c, ids), targets, w)[0].sum()
            losses.append(l.item())
            if step == ADAM["steps"]:
                break
            l.backward()
            norm = torch.sqrt(sum((v.grad ** 2).sum() for v in p.values()))
            coef = min(1.0, ADAM["max_grad_norm"] / norm.item())
            for v in p.values():
                v.grad.mul_(coef)
            opt.step()
        out["adamw_losses"] = torch.tensor(losses, dtype=torch.float64)
        meta = {"config": json.dumps(c), "adamw": json.dumps(ADAM), "batch": str(B), "seqLen": str(T)}
        path = os.path.join(HERE, f"{family}.safetensors")
        write_safetensors(path, out, meta)
        print(f"{family}: loss {loss.item():.6f}, after {ADAM['steps']} AdamW steps {losses[-1]:.6f} -> {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
