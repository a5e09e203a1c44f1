"""Golden logits for Hugging Face checkpoint folders, one per config family the loader must honour.

Each fixture in test/golden/hf/<name>/ is a folder in true Hugging Face layout (config.json as
transformers writes it, model.safetensors with HF tensor names, F32 or BF16) holding a tiny
random model, plus expected.safetensors: the input ids and the logits of an independent float64
PyTorch forward pass written here from the maths of transformers' modeling_llama.py and
modeling_qwen2.py (transformers itself is not installed here):

  RMSNorm      x * rsqrt(mean(x^2) + eps) * w
  RoPE         inv_freq = 1 / theta^(arange(0, d, 2) / d) in float32 (then rope scaling),
               angle = position * inv_freq in float32, q*cos + rotate_half(q)*sin
  llama3       _compute_llama3_parameters: wavelength = 2*pi / inv_freq; above
               original/low_freq_factor divide by factor, below original/high_freq_factor keep,
               between interpolate with smooth = (original/wavelength - low) / (high - low)
  linear       inv_freq / factor
  dynamic      identical to default for sequences within max_position_embeddings
  attention    scores = q k^T * head_dim^-0.5, causal, grouped kv heads repeated, o_proj (+ bias
               for Llama attention_bias), head_dim from config.json when given
  MLP          down(silu(gate(x)) * up(x))
  head         final norm, lm_head (embed_tokens when tied)

Run with Debian's PyTorch:  /usr/bin/python3 test/golden/make_hf_golden.py
A folder the project saved is read back the same way (config.json, model.safetensors or shards
with their index) and its logits printed as JSON, which test/hf/saved-folder.test.ts compares:
  /usr/bin/python3 test/golden/make_hf_golden.py --logits DIR ID ID ...
"""
import json
import math
import os
import shutil
import struct
import sys

import torch

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hf")
SEQ = 24
VOCAB = 64

BASE = dict(hidden_size=32, intermediate_size=48, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
            vocab_size=VOCAB, max_position_embeddings=64, rms_norm_eps=1e-6, hidden_act="silu", initializer_range=0.02,
            attention_dropout=0.0, bos_token_id=1, eos_token_id=2, use_cache=True, transformers_version="4.46.0")
LLAMA = dict(architectures=["LlamaForCausalLM"], model_type="llama", attention_bias=False, mlp_bias=False, pretraining_tp=1)
QWEN2 = dict(architectures=["Qwen2ForCausalLM"], model_type="qwen2", use_sliding_window=False, sliding_window=4096,
             max_window_layers=2)
LLAMA31_ROPE = dict(rope_type="llama3", factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0,
                    original_max_position_embeddings=8192)

# name -> (config.json, weight dtype). Every family of the loader's config handling.
FIXTURES = {
    # Llama-3.1: llama3 rope scaling with the real model's numbers, GQA, untied, theta 500000
    "llama31-rope": ({**LLAMA, **BASE, "rope_theta": 500000.0, "rope_scaling": LLAMA31_ROPE, "tie_word_embeddings": False,
                      "torch_dtype": "float32"}, "F32"),
    # transformers >= 5: rope_parameters carries the theta and the scaling; no top-level rope_theta
    "rope-parameters": ({**LLAMA, **BASE, "rope_parameters": {"rope_theta": 500000.0, **LLAMA31_ROPE},
                         "tie_word_embeddings": False, "dtype": "float32"}, "F32"),
    # linear position interpolation on a Qwen2
    "qwen2-linear-rope": ({**QWEN2, **BASE, "rope_theta": 1000000.0, "rope_scaling": {"rope_type": "linear", "factor": 4.0},
                           "tie_word_embeddings": True, "torch_dtype": "float32"}, "F32"),
    # dynamic NTK within max_position_embeddings (no change), legacy "type" key
    "qwen2-dynamic-rope": ({**QWEN2, **BASE, "rope_theta": 10000.0, "rope_scaling": {"type": "dynamic", "factor": 2.0},
                            "tie_word_embeddings": False, "torch_dtype": "float32"}, "F32"),
    # Llama with attention_bias: q/k/v and o_proj biases; an unusual rms_norm_eps that matters
    "llama-attention-bias": ({**LLAMA, **BASE, "attention_bias": True, "rope_theta": 10000.0, "rms_norm_eps": 0.05,
                              "num_key_value_heads": 4, "tie_word_embeddings": False, "torch_dtype": "float32"}, "F32"),
    # head_dim wider than hidden_size / num_attention_heads (as Qwen3, Gemma)
    "llama-head-dim": ({**LLAMA, **BASE, "head_dim": 16, "rope_theta": 10000.0, "tie_word_embeddings": True,
                        "torch_dtype": "float32"}, "F32"),
    # Qwen2.5 as released: bf16 weights, tied, sliding window configured but off (and wider than the context anyway)
    "qwen25-bf16-window": ({**QWEN2, **BASE, "use_sliding_window": True, "sliding_window": 131072, "max_window_layers": 1,
                            "rope_theta": 1000000.0, "tie_word_embeddings": True, "torch_dtype": "bfloat16"}, "BF16"),
}


def head_dim(c):
    return c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]


def rope_spec(c):
    """(theta, scaling dict or None) as transformers reads them (rope_parameters first)."""
    rp = c.get("rope_parameters")
    spec = rp if rp is not None else c.get("rope_scaling")
    theta = (rp or {}).get("rope_theta", c.get("rope_theta", 10000.0))
    return theta, spec


def inv_freq(c):
    d = head_dim(c)
    theta, spec = rope_spec(c)
    # _compute_default_rope_parameters: float32 throughout
    inv = 1.0 / (theta ** (torch.arange(0, d, 2, dtype=torch.int64).to(torch.float32) / d))
    kind = (spec or {}).get("rope_type", (spec or {}).get("type", "default"))
    if kind == "linear":
        inv = inv / spec["factor"]
    elif kind == "llama3":
        factor, low, high = spec["factor"], spec["low_freq_factor"], spec["high_freq_factor"]
        old = spec["original_max_position_embeddings"]
        low_wavelen, high_wavelen = old / low, old / high
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > low_wavelen, inv / factor, inv)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
        inv = torch.where(medium, smoothed, scaled)
    elif kind not in ("default", "dynamic"):
        raise ValueError(kind)
    return inv


def make_params(c, seed):
    g = torch.Generator().manual_seed(seed)
    D, F, V = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    H, KV, d = c["num_attention_heads"], c["num_key_value_heads"], head_dim(c)
    p = {}

    def mat(name, out, inp):
        p[name] = torch.randn(out, inp, generator=g, dtype=torch.float64) / math.sqrt(inp)

    def vec(name, n, centre, spread):
        p[name] = centre + spread * torch.randn(n, generator=g, dtype=torch.float64)

    p["model.embed_tokens.weight"] = torch.randn(V, D, generator=g, dtype=torch.float64)
    qwen = c["model_type"] == "qwen2"
    qkv_bias = qwen or c.get("attention_bias", False)
    for l in range(c["num_hidden_layers"]):
        pre = f"model.layers.{l}."
        mat(pre + "self_attn.q_proj.weight", H * d, D)
        mat(pre + "self_attn.k_proj.weight", KV * d, D)
        mat(pre + "self_attn.v_proj.weight", KV * d, D)
        mat(pre + "self_attn.o_proj.weight", D, H * d)
        if qkv_bias:
            vec(pre + "self_attn.q_proj.bias", H * d, 0.0, 0.3)
            vec(pre + "self_attn.k_proj.bias", KV * d, 0.0, 0.3)
            vec(pre + "self_attn.v_proj.bias", KV * d, 0.0, 0.3)
        if not qwen and c.get("attention_bias", False):
            vec(pre + "self_attn.o_proj.bias", D, 0.0, 0.3)
        mat(pre + "mlp.gate_proj.weight", F, D)
        mat(pre + "mlp.up_proj.weight", F, D)
        mat(pre + "mlp.down_proj.weight", D, F)
        vec(pre + "input_layernorm.weight", D, 1.0, 0.1)
        vec(pre + "post_attention_layernorm.weight", D, 1.0, 0.1)
    vec("model.norm.weight", D, 1.0, 0.1)
    if not c["tie_word_embeddings"]:
        mat("lm_head.weight", V, D)
    return p


def rmsnorm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def forward(p, c, ids):
    T = ids.shape[0]
    H, KV, d = c["num_attention_heads"], c["num_key_value_heads"], head_dim(c)
    eps = c["rms_norm_eps"]
    # LlamaRotaryEmbedding: angles in float32, cos/sin of them
    ang = (torch.arange(T, dtype=torch.float32)[:, None] * inv_freq(c)[None, :]).to(torch.float64)
    emb = torch.cat((ang, ang), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
    lin = lambda x, name: x @ p[name + ".weight"].T + (p[name + ".bias"] if name + ".bias" in p else 0)
    x = p["model.embed_tokens.weight"][ids]
    for l in range(c["num_hidden_layers"]):
        pre = f"model.layers.{l}."
        h = rmsnorm(x, p[pre + "input_layernorm.weight"], eps)
        q = lin(h, pre + "self_attn.q_proj").view(T, H, d).transpose(0, 1)
        k = lin(h, pre + "self_attn.k_proj").view(T, KV, d).transpose(0, 1)
        v = lin(h, pre + "self_attn.v_proj").view(T, KV, d).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(H // KV, dim=0)
        v = v.repeat_interleave(H // KV, dim=0)
        s = (q @ k.transpose(1, 2)) * d ** -0.5
        s = s.masked_fill(mask, float("-inf"))
        a = (torch.softmax(s, dim=-1) @ v).transpose(0, 1).reshape(T, H * d)
        x = x + lin(a, pre + "self_attn.o_proj")
        h = rmsnorm(x, p[pre + "post_attention_layernorm.weight"], eps)
        gate = lin(h, pre + "mlp.gate_proj")
        x = x + lin(torch.nn.functional.silu(gate) * lin(h, pre + "mlp.up_proj"), pre + "mlp.down_proj")
    x = rmsnorm(x, p["model.norm.weight"], eps)
    head = p["model.embed_tokens.weight"] if c["tie_word_embeddings"] else p["lm_head.weight"]
    return x @ head.T


def to_bf16_exact(t):
    return t.to(torch.bfloat16).to(torch.float64)


def write_safetensors(path, tensors, metadata=None):
    header, blobs, at = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, (dtype, t) in tensors.items():
        if dtype == "BF16":
            data = t.to(torch.bfloat16).contiguous().view(torch.int16).numpy().tobytes()
        elif dtype == "I64":
            data = t.to(torch.int64).contiguous().numpy().tobytes()
        else:
            data = t.to(torch.float32).contiguous().numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [at, at + len(data)]}
        blobs.append(data)
        at += len(data)
    h = json.dumps(header).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b0, b1 = e["data_offsets"]
        raw = bytearray(data[b0:b1])
        if e["dtype"] == "F32":
            t = torch.frombuffer(raw, dtype=torch.float32)
        elif e["dtype"] == "BF16":
            t = torch.frombuffer(raw, dtype=torch.bfloat16)
        elif e["dtype"] == "F16":
            t = torch.frombuffer(raw, dtype=torch.float16)
        else:
            raise ValueError(f"{name}: dtype {e['dtype']}")
        out[name] = t.to(torch.float64).reshape(e["shape"])
    return out


def read_folder(folder):
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    single = os.path.join(folder, "model.safetensors")
    if os.path.exists(single):
        files = [single]
    else:
        with open(os.path.join(folder, "model.safetensors.index.json")) as f:
            files = sorted({os.path.join(folder, v) for v in json.load(f)["weight_map"].values()})
    p = {}
    for f in files:
        p.update(read_safetensors(f))
    return cfg, p


def print_logits(folder, ids):
    cfg, p = read_folder(folder)
    logits = forward(p, cfg, torch.tensor(ids, dtype=torch.int64))
    print(json.dumps(logits.flatten().tolist()))


def main():
    if os.path.isdir(HERE):
        shutil.rmtree(HERE)
    for seed, (name, (cfg, dtype)) in enumerate(FIXTURES.items()):
        out = os.path.join(HERE, name)
        os.makedirs(out)
        p = make_params(cfg, 100 + seed)
        if dtype == "BF16":
            p = {k: to_bf16_exact(v) for k, v in p.items()}
        g = torch.Generator().manual_seed(1000 + seed)
        ids = torch.randint(0, VOCAB, (SEQ,), generator=g)
        logits = forward(p, cfg, ids)
        with open(os.path.join(out, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
        write_safetensors(os.path.join(out, "model.safetensors"), {k: (dtype, v) for k, v in p.items()}, {"format": "pt"})
        write_safetensors(os.path.join(out, "expected.safetensors"), {"ids": ("I64", ids), "logits": ("F32", logits)})
        print(f"{name}: {dtype}, {sum(v.numel() for v in p.values())} parameters, logits max |x| {logits.abs().max():.3f}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--logits":
        print_logits(sys.argv[2], [int(x) for x in sys.argv[3:]])
    else:
        main()
