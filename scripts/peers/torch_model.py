#!/usr/bin/env python3
"""PyTorch peer for the training and sampling rows of scripts/bench.ts.

Builds the same decoder as ours from a Hugging Face-style config JSON (Qwen2/Llama family): token
embedding, per layer RMSNorm -> grouped-query attention with rotary embeddings ("rotate_half") and
optional q/k/v biases -> residual, RMSNorm -> SwiGLU MLP -> residual; final RMSNorm; LM head tied to the
embedding or not. Written out by hand (no transformers package) so that exactly the same work is done.

--task train: one step = forward + mean cross-entropy + backward + grad-norm clip + AdamW, on random
token ids of shape [batch, seq_len]; reports tokens/s = batch*seq_len / step time.
--task sample: prefill a random prompt of [batch, prompt_len] into a pre-allocated KV cache, then decode
--new-tokens tokens one at a time (temperature / top-k sampling on the device, no host sync per token);
reports tokens/s = batch*new_tokens / time of the whole generation (prefill included).
Prints one JSON line: {"task", "tokens_per_s": {median,min,max,n}, "ms": {...}, "params", "peak_rss_mib", ...}.
"""
import argparse
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from peer_env import environment, peak_rss_mib, summary


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(head_dim, max_pos, theta, device):
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2, device=device, dtype=torch.float32) / head_dim))
    ang = torch.outer(torch.arange(max_pos, device=device, dtype=torch.float32), inv)
    ang = torch.cat([ang, ang], dim=-1)
    return ang.cos(), ang.sin()


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], dim=-1)


def apply_rope(x, cos, sin):
    # x [B, H, T, Dh]; cos/sin [T, Dh]
    return x * cos + rotate_half(x) * sin


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.h, self.hkv, self.dh = c['heads'], c['kv_heads'], c['head_dim']
        bias = c['attention_bias']
        self.q_proj = nn.Linear(c['hidden'], self.h * self.dh, bias=bias)
        self.k_proj = nn.Linear(c['hidden'], self.hkv * self.dh, bias=bias)
        self.v_proj = nn.Linear(c['hidden'], self.hkv * self.dh, bias=bias)
        self.o_proj = nn.Linear(self.h * self.dh, c['hidden'], bias=False)

    def forward(self, x, cos, sin, cache=None, pos=0):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.h, self.dh).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.hkv, self.dh).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.hkv, self.dh).transpose(1, 2)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        if cache is not None:
            kc, vc = cache
            kc[:, :, pos:pos + t] = k
            vc[:, :, pos:pos + t] = v
            k, v = kc[:, :, :pos + t], vc[:, :, :pos + t]
        g = self.h // self.hkv
        # Grouped-query attention: query head i uses kv head i // g.
        qg = q.reshape(b, self.hkv, g * t, self.dh) if t == 1 else None
        if qg is not None:
            s = torch.matmul(qg, k.transpose(-1, -2)) / math.sqrt(self.dh)  # [B, Hkv, g, T]
            o = torch.matmul(s.softmax(-1), v).reshape(b, self.h, 1, self.dh)
        else:
            k = k.repeat_interleave(g, dim=1)
            v = v.repeat_interleave(g, dim=1)
            s = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.dh)
            tk = k.shape[2]
            mask = torch.ones(t, tk, dtype=torch.bool, device=x.device).tril(diagonal=tk - t)
            s = s.masked_fill(~mask, float('-inf'))
            o = torch.matmul(s.softmax(-1), v)
        return self.o_proj(o.transpose(1, 2).reshape(b, t, self.h * self.dh))


class Mlp(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.gate_proj = nn.Linear(c['hidden'], c['ffn'], bias=False)
        self.up_proj = nn.Linear(c['hidden'], c['ffn'], bias=False)
        self.down_proj = nn.Linear(c['ffn'], c['hidden'], bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.input_layernorm = RMSNorm(c['hidden'], c['eps'])
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c['hidden'], c['eps'])
        self.mlp = Mlp(c)

    def forward(self, x, cos, sin, cache=None, pos=0):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, cache, pos)
        return x + self.mlp(self.post_attention_layernorm(x))


class Decoder(nn.Module):
    def __init__(self, c, max_pos, device):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c['vocab'], c['hidden'])
        self.layers = nn.ModuleList([Layer(c) for _ in range(c['layers'])])
        self.norm = RMSNorm(c['hidden'], c['eps'])
        self.lm_head = None if c['tied'] else nn.Linear(c['hidden'], c['vocab'], bias=False)
        cos, sin = rope_tables(c['head_dim'], max_pos, c['theta'], device)
        self.register_buffer('cos', cos, persistent=False)
        self.register_buffer('sin', sin, persistent=False)

    def forward(self, ids, caches=None, pos=0):
        t = ids.shape[1]
        cos, sin = self.cos[pos:pos + t], self.sin[pos:pos + t]
        x = self.embed_tokens(ids)
        for i, layer in enumerate(self.layers):
            x = layer(x, cos, sin, None if caches is None else caches[i], pos)
        x = self.norm(x)
        w = self.embed_tokens.weight if self.lm_head is None else self.lm_head.weight
        return F.linear(x, w)


def normalise_config(raw):
    """Accept a Hugging Face config.json (Qwen2/Llama keys)."""
    try:
        hidden = raw['hidden_size']
        heads = raw['num_attention_heads']
        c = {
            'vocab': raw['vocab_size'], 'hidden': hidden, 'ffn': raw['intermediate_size'],
            'layers': raw['num_hidden_layers'], 'heads': heads,
            'kv_heads': raw.get('num_key_value_heads', heads),
            'head_dim': raw.get('head_dim') or hidden // heads,
            'eps': raw.get('rms_norm_eps', 1e-6), 'theta': raw.get('rope_theta', 10000.0),
            'tied': bool(raw.get('tie_word_embeddings', False)),
            # Qwen2 has q/k/v biases without saying so in config.json; Llama says attention_bias.
            'attention_bias': bool(raw.get('attention_bias', raw.get('model_type') == 'qwen2')),
        }
    except KeyError as e:
        sys.exit(f'torch_model.py: config lacks {e.args[0]}')
    if c['heads'] % c['kv_heads']:
        sys.exit(f"torch_model.py: {c['heads']} heads not divisible by {c['kv_heads']} kv heads")
    return c


def sync(device):
    if device.type == 'cuda':
        torch.cuda.synchronize()


def init_weights(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() >= 2:
                p.copy_(torch.randn(p.shape, generator=g) * 0.02)


def bench_train(model, c, args, device):
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{'params': decay, 'weight_decay': args.weight_decay}, {'params': no_decay, 'weight_decay': 0.0}],
        lr=args.lr, betas=(0.9, 0.95), eps=1e-8,
        **({'foreach': True} if device.type == 'cuda' else {}),
    )
    g = torch.Generator().manual_seed(args.seed)
    ids = torch.randint(0, c['vocab'], (args.batch, args.seq_len + 1), generator=g).to(device)
    inp, tgt = ids[:, :-1], ids[:, 1:]

    def step():
        logits = model(inp)
        loss = F.cross_entropy(logits.reshape(-1, c['vocab']), tgt.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss

    for _ in range(args.warmup):
        step()
    sync(device)
    times = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        loss = step()
        sync(device)
        times.append(time.perf_counter() - t0)
    tokens = args.batch * args.seq_len
    return times, tokens, {'final_loss': float(loss)}


@torch.inference_mode()
def generate(model, c, prompt, new_tokens, temperature, top_k, device):
    b, p = prompt.shape
    tmax = p + new_tokens
    caches = [(torch.zeros(b, c['kv_heads'], tmax, c['head_dim'], device=device),
               torch.zeros(b, c['kv_heads'], tmax, c['head_dim'], device=device)) for _ in range(c['layers'])]
    logits = model(prompt, caches, 0)[:, -1]
    out = torch.empty(b, new_tokens, dtype=torch.long, device=device)
    pos = p
    for i in range(new_tokens):
        if temperature == 0:
            nxt = logits.argmax(-1)
        else:
            z = logits / temperature
            if 0 < top_k < z.shape[-1]:
                kth = torch.topk(z, top_k, dim=-1).values[:, -1:]
                z = z.masked_fill(z < kth, float('-inf'))
            nxt = torch.multinomial(z.softmax(-1), 1).squeeze(-1)
        out[:, i] = nxt
        if i + 1 < new_tokens:
            logits = model(nxt[:, None], caches, pos)[:, -1]
            pos += 1
    return out


def bench_sample(model, c, args, device):
    torch.manual_seed(args.seed)
    g = torch.Generator().manual_seed(args.seed)
    prompt = torch.randint(0, c['vocab'], (args.batch, args.prompt_len), generator=g).to(device)
    model.eval()
    for _ in range(args.warmup):
        generate(model, c, prompt, args.new_tokens, args.temperature, args.top_k, device)
    sync(device)
    times = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        generate(model, c, prompt, args.new_tokens, args.temperature, args.top_k, device)
        sync(device)
        times.append(time.perf_counter() - t0)
    return times, args.batch * args.new_tokens, {}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--config', required=True, help='Hugging Face-style config.json of the model')
    p.add_argument('--task', choices=['train', 'sample'], required=True)
    p.add_argument('--batch', type=int, required=True)
    p.add_argument('--seq-len', type=int, default=128, help='train: tokens per sequence')
    p.add_argument('--prompt-len', type=int, default=16, help='sample: prompt tokens')
    p.add_argument('--new-tokens', type=int, default=64, help='sample: tokens to generate')
    p.add_argument('--temperature', type=float, default=1.0)
    p.add_argument('--top-k', type=int, default=0)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--weight-decay', type=float, default=0.1)
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--reps', type=int, default=5)
    p.add_argument('--threads', type=int, default=None, help='torch.set_num_threads (CPU)')
    p.add_argument('--device', choices=['auto', 'cpu', 'cuda'], default='auto')
    p.add_argument('--seed', type=int, default=0)
    args = p.parse_args()

    with open(args.config) as f:
        c = normalise_config(json.load(f))
    if args.device == 'cuda' and not torch.cuda.is_available():
        sys.exit('torch_model.py: --device cuda but torch.cuda.is_available() is False')
    use_cuda = args.device == 'cuda' or (args.device == 'auto' and torch.cuda.is_available())
    device = torch.device('cuda' if use_cuda else 'cpu')
    if use_cuda:
        torch.backends.cuda.matmul.allow_tf32 = False  # fp32 like ours
        torch.backends.cudnn.allow_tf32 = False
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    max_pos = max(args.seq_len, args.prompt_len + args.new_tokens)
    model = Decoder(c, max_pos, device)
    init_weights(model, args.seed)
    model.to(device)
    n_params = sum(p.numel() for p in model.parameters())
    if args.task == 'train':
        times, tokens, extra = bench_train(model, c, args, device)
    else:
        times, tokens, extra = bench_sample(model, c, args, device)
    out = {
        'task': args.task,
        'peer': f'pytorch {torch.__version__} ({device.type})',
        'params': n_params,
        'tokens_per_step': tokens,
        'tokens_per_s': summary([tokens / t for t in times]),
        'ms': summary([t * 1000 for t in times]),
        'torch_threads': torch.get_num_threads(),
        'env': environment(torch.cuda.get_device_name(0) if use_cuda else None),
        'peak_rss_mib': peak_rss_mib(),
        **extra,
    }
    if use_cuda:
        out['cuda_max_allocated_mib'] = torch.cuda.max_memory_allocated() / 2**20
    print(json.dumps(out))


if __name__ == '__main__':
    main()
