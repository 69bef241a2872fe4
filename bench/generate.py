"""Synthetic knowledge bases for the benchmark: N realistic paper records in a scratch project folder.

The project folder gets the real site configuration (mkdocs.yml, templates/, site_config/) and the real vocabularies
(topics/, registry/), so what is measured is the real site; only papers/ is made up. Records look like the real ones:
an English title and short name, a unique valid arXiv id whose year matches `year`, authors, institutions and tags from
the registry, one or two topics (skewed, so some topic pages are long), and Chinese notes of about 600 characters built
from a few hundred technical phrases.

Search quality is measured with planted phrases: each query's phrase is written into exactly `k` records (and scrubbed
from every other record), while the phrase's parts (注意力, 机制, …) occur everywhere, the way real notes use them. A search
that segments `注意力机制` into 注意力 + 机制 and matches either part then shows up as low precision.

Deterministic: record i depends only on (seed, i), so the first 100 records of N=1,000 are the records of N=100.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
COPIED = ("mkdocs.yml", "templates", "site_config", "topics", "registry")


@dataclass(frozen=True)
class Query:
    """A search query and the phrase whose records count as relevant."""

    text: str
    phrase: str
    lang: str
    field: str  # "notes" or "title": where the phrase is planted


# Chinese phrases are planted in the notes; the English one in the title (where English readers search for it).
QUERIES = (
    Query("注意力机制", "注意力机制", "zh", "notes"),
    Query("检索增强生成", "检索增强生成", "zh", "notes"),
    Query("思维链推理", "思维链推理", "zh", "notes"),
    Query("speculative decoding", "speculative decoding", "en", "title"),
    Query("reward model", "reward model", "en", "notes"),
)
# What a phrase becomes where it must not occur: same characters nearby, never the phrase itself.
_SCRUB = {
    "注意力机制": "注意力与路由机制",
    "检索增强生成": "检索增强与生成",
    "思维链推理": "思维链与推理",
    "speculative decoding": "speculative and greedy decoding",
    "reward model": "reward signal and model",
}


def planted_count(n: int) -> int:
    """How many records carry each planted phrase: 20 from 1,000 papers up (as in the issue), fewer for small N."""
    return max(3, min(20, n // 10))


def planted_ids(n: int) -> dict[str, list[int]]:
    """Query text -> record indices that carry its phrase; spread over the collection, disjoint between queries."""
    k = planted_count(n)
    out: dict[str, list[int]] = {}
    for qi, q in enumerate(QUERIES):
        out[q.text] = sorted({(j * n) // k + qi for j in range(k)})
    return out


# ---- word banks ---------------------------------------------------------------------------------------------------------


def _words(text: str, sep: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(sep))


_PREFIX = _words(
    "Flash Long Sparse Deep Meta Auto Self Multi Hyper Tiny Mega Quant Pro Neo Omni Uni Poly Ret Rank Chain "
    "Graph Tool Vision Code Math Med Law Fin Agent Mem Lumi Astra Nova Kilo Zeta Orca Falcon Lynx Heron Mamba"
)
_SUFFIX = _words(
    "RAG LM Former Net GPT Tune LoRA Align Prompt Bench Eval Coder Reasoner Ranker Retriever Distill Merge Router "
    "Cache Scale Mix Gen Agent Chat Judge Instruct Adapter Search Planner Verifier Mind Sense Flow Kit Hub"
)
_ADJ = _words(
    "Efficient Scalable Robust Adaptive Sparse Hierarchical Unified Modular Faithful Contrastive Iterative Dynamic "
    "Lightweight Compositional Multilingual Long-Context Memory-Efficient Retrieval-Augmented Self-Supervised "
    "Instruction-Tuned Parameter-Efficient Calibrated Grounded Structured"
)
_NOUN = _words(
    "Attention Routing Decoding Alignment Distillation Quantization Tokenization Pretraining Fine-Tuning Retrieval "
    "Reranking Reasoning Planning Verification Compression Caching Evaluation Prompting Merging Pruning Grounding"
)
_TASK = _words(
    "Question Answering|Code Generation|Mathematical Reasoning|Document Understanding|Open-Domain Retrieval|"
    "Dialogue Systems|Tool Use|Multimodal Understanding|Long-Document Summarization|Machine Translation|"
    "Knowledge Graph Completion|Table Reasoning|Instruction Following|Hallucination Detection|Text Ranking|"
    "Scientific Discovery|Medical Diagnosis|Legal Analysis|Role-Playing Agents|Embodied Control",
    "|",
)
_TITLE_FORMS = (
    "{short}: {adj} {noun} for {task} with Large Language Models",
    "{short}: Towards {adj} {noun} in {task}",
    "{short}: {adj} {noun} Makes Language Models Better at {task}",
    "{short}: Rethinking {noun} for {adj} {task}",
    "{short}: A {adj} Framework for {task}",
    "{short}: Learning {adj} {noun} from Feedback for {task}",
)
_GIVEN = _words(
    "Wei Jing Yu Hao Xin Lei Yang Tao Jun Ming Yan Hui Li Qian Zhen Bo Yi Chen Lin Fang "
    "James Emily Michael Sarah David Anna Thomas Laura Daniel Maria Jonas Elena Ravi Priya Kenji Yuki Omar Lucas Sofia Noah"
)
_FAMILY = _words(
    "Wang Li Zhang Liu Chen Yang Zhao Huang Zhou Wu Xu Sun Hu Zhu Gao Lin He Guo Ma Luo "
    "Smith Johnson Brown Miller Davis Garcia Wilson Anderson Taylor Thomas Moore Martin Lee Kim Park Tanaka Singh Kumar "
    "Müller Schmidt Dubois Rossi Novak Ivanova Nguyen Cohen Silva"
)

# Chinese technical vocabulary: parts of the planted phrases occur here on their own, never the phrases themselves.
_TERMS = _words(
    "注意力头 多头注意力 稀疏注意力 路由机制 门控机制 缓存机制 检索器 重排序 增强数据 生成质量 文本生成 思维链 推理步骤 "
    "多步推理 低秩分解 量化误差 知识蒸馏 指令微调 偏好对齐 奖励信号 策略优化 长上下文 位置编码 解码速度 显存占用 "
    "训练稳定性 数据配比 合成数据 评测基准 幻觉率 事实一致性 工具调用 智能体 规划模块 记忆模块 向量索引 稠密检索 "
    "稀疏检索 混合专家 参数高效 全参数微调 预训练语料 上下文学习 提示模板 少样本 零样本 多模态 视觉编码器 跨模态对齐 "
    "知识图谱 表格理解 代码补全 数学推理 可解释性 鲁棒性 泛化能力 推理延迟 吞吐量 批处理 蒸馏损失 对比学习 课程学习"
)
_MODELS = _words("LLaMA-2-7B LLaMA-3-8B Qwen-7B Qwen2-72B Mistral-7B GPT-3.5 GPT-4 T5-XL BERT-base ChatGLM-6B Baichuan2-13B Vicuna-13B")
_DATASETS = _words("MMLU GSM8K HumanEval MATH NaturalQuestions TriviaQA HotpotQA MS-MARCO BEIR C-Eval CMMLU TruthfulQA LongBench")
_EN_WORDS = _words("decoding speculative reward model policy cache router prompt retrieval ranking")

_MOTIVATION = (
    "现有方法在{t1}上表现不错，但在{t2}场景下明显退化，原因是{t3}没有被显式建模。",
    "随着模型规模增大，{t1}带来的{t2}开销迅速上升，已经成为部署{m}时的主要瓶颈。",
    "作者观察到，{t1}与{t2}之间存在此消彼长的关系：单纯提升前者往往会损害后者。",
    "以往工作大多依赖人工设计的{t1}，难以迁移到{t2}等新任务，也缺少对{t3}的系统分析。",
    "在{d}等基准上，主流方法的{t1}仍与人类水平相差较远，尤其是需要{t2}的样本。",
    "实际业务中，{t1}的数据分布经常变化，而{t2}需要昂贵的标注，这使得持续更新模型十分困难。",
    "直接把{t1}套用到{t2}上会引入大量噪声，模型容易被无关内容干扰，{t3}随之下降。",
    "{t1}方面的已有研究主要关注英文场景，中文与多语言场景下的{t2}问题很少被讨论。",
)
_METHOD = (
    "核心思路是把{t1}拆成两个阶段：先用轻量模块估计{t2}，再只在必要时调用大模型完成{t3}。",
    "具体做法上，作者在{m}的每一层引入可学习的{t1}，并用{t2}作为辅助目标联合训练。",
    "- 第一步：从{d}中构造约 {n} 万条带{t1}标注的训练样本；\n- 第二步：以{t2}为目标进行微调；\n- 第三步：用{t3}过滤低质量输出。",
    "为了降低{t1}，方法对 {en} 阶段做了改写：候选结果先经过{t2}打分，再按置信度决定是否回退。",
    "训练时冻结{m}的主干参数，只更新新增的{t1}，可训练参数不到总量的 {p}%。",
    "作者还提出一种{t1}策略，把{t2}与{t3}统一到同一个损失函数中，避免了多阶段训练的误差累积。",
    "推理阶段采用{t1}，配合{t2}复用中间结果，使得额外开销基本可以忽略。",
    "方法不依赖特定架构，可直接用于{m}等开源模型，也可与{t1}、{t2}等技术组合使用。",
)
_RESULTS = (
    "在{d}上，相比最强基线提升 {p} 个百分点，同时{t1}下降约 {q}%。",
    "以{m}为底座时，{t1}从 {n}.{p} 提升到 {q}.{n}，在{d}上也取得一致的增益。",
    "消融实验表明，去掉{t1}后效果下降最明显，说明{t2}是性能提升的主要来源。",
    "在长度超过 {n}K 的输入上，方法的{t1}仍保持稳定，而基线在 {q}K 之后迅速退化。",
    "人工评测中，{p}% 的样本被认为在{t1}上优于基线，{t2}方面的错误也明显减少。",
    "推理速度提升约 {n} 倍，显存占用降低 {q}%，在单张消费级显卡上即可运行 {m}。",
    "作者同时指出了局限：在{t1}较弱的领域收益有限，{t2}的开销在小模型上并不划算。",
)
_TLDR = (
    "提出{short}，用{t1}改进{t2}，在{d}上以更低成本取得更好效果。",
    "{short}把{t1}与{t2}结合起来，缓解了{t3}问题，适用于多种开源模型。",
    "针对{t1}的瓶颈，{short}设计了新的{t2}方案，兼顾效果与效率。",
)


class Vocab:
    """Registry-backed vocabularies of the scratch project (topics, tags, institutions, venues)."""

    def __init__(self, project: Path) -> None:
        self.topics = sorted(p.stem for p in (project / "topics").glob("*.yaml"))
        reg = project / "registry"
        self.tags = [t["id"] for t in yaml.safe_load((reg / "tags.yaml").read_text(encoding="utf-8"))["tags"]]
        self.institutions = [i["name"] for i in yaml.safe_load((reg / "institutions.yaml").read_text(encoding="utf-8"))["institutions"]]
        venues = yaml.safe_load((reg / "venues.yaml").read_text(encoding="utf-8"))["venues"]
        self.venues = [v["name"] for v in venues]


def _fill(rng: random.Random, form: str, short: str) -> str:
    t1, t2, t3 = rng.sample(_TERMS, 3)
    return form.format(
        t1=t1,
        t2=t2,
        t3=t3,
        m=rng.choice(_MODELS),
        d=rng.choice(_DATASETS),
        en=rng.choice(_EN_WORDS),
        n=rng.randint(2, 64),
        p=rng.randint(1, 30),
        q=rng.randint(10, 90),
        short=short,
    )


def _paragraphs(rng: random.Random, forms: tuple[str, ...], short: str, chars: int) -> str:
    """Sentences drawn from `forms` until about `chars` characters; two or three lines, like the real notes."""
    lines: list[str] = []
    line = ""
    while sum(len(x) for x in lines) + len(line) < chars:
        sentence = _fill(rng, rng.choice(forms), short)
        if sentence.startswith("- ") and line:  # a list starts on its own line
            lines.append(line)
            line = ""
        line += sentence
        if len(line) > chars // 3 or line.startswith("- "):
            lines.append(line)
            line = ""
    if line:
        lines.append(line)
    return "\n".join(lines) + "\n"


def paper_record(i: int, n: int, vocab: Vocab, seed: int = 7, plant: dict[str, list[int]] | None = None) -> dict[str, object]:
    """The record of synthetic paper number i (0-based) as plain data, in the field order of the real records."""
    rng = random.Random(seed * 1_000_003 + i)
    short = short_name(i)
    pid = f"{short.lower()}-{i:05d}"
    year = rng.randint(2017, 2025)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    arxiv = f"{year % 100:02d}{month:02d}.{10000 + i:05d}"  # the running number makes every id unique
    title = rng.choice(_TITLE_FORMS).format(short=short, adj=rng.choice(_ADJ), noun=rng.choice(_NOUN), task=rng.choice(_TASK))
    authors = [f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}" for _ in range(rng.randint(2, 9))]
    # Skewed topics: a few topics are popular, so their pages paginate deep.
    weights = [1.0 / (1 + r) for r in range(len(vocab.topics))]
    topics = sorted(set(rng.choices(vocab.topics, weights=weights, k=rng.randint(1, 2))))
    notes = {
        "motivation": _paragraphs(rng, _MOTIVATION, short, 170),
        "method": _paragraphs(rng, _METHOD, short, 260),
        # The first sentence always carries a number, as the note standard asks of real records (notestandard.py).
        "results": _fill(rng, _RESULTS[0], short) + _paragraphs(rng, _RESULTS, short, 130),
        "limitations": _fill(rng, _RESULTS[-1], short),
    }
    plant = plant if plant is not None else planted_ids(n)
    for q in QUERIES:
        for part in notes:
            notes[part] = notes[part].replace(q.phrase, _SCRUB[q.phrase])
        title = title.replace(q.phrase.title(), _SCRUB[q.phrase].title())
        if i in plant[q.text]:
            if q.field == "title":
                title = f"{short}: {q.phrase.title()} for {rng.choice(_TASK)}"
            else:
                notes["method"] += f"关键在于改进{q.phrase}：作者重新设计了{q.phrase}中的{rng.choice(_TERMS)}。\n"
    record: dict[str, object] = {
        "id": pid,
        "title": title,
        "short_name": short,
        "arxiv": arxiv,
        "authors": authors,
        "year": year,
        "published": f"{year}-{month:02d}-{day:02d}",
    }
    if rng.random() < 0.4:
        record["venue"] = f"{rng.choice(vocab.venues)} {year + rng.randint(0, 1)}"
    record["institutions"] = sorted(set(rng.sample(vocab.institutions, rng.randint(1, 3))))
    if rng.random() < 0.5:
        record["code"] = f"{rng.choice([f for f in _FAMILY if f.isascii()]).lower()}-lab/{short}"
    record["topics"] = topics
    record["tags"] = sorted(set(rng.sample(vocab.tags, rng.randint(0, 3))))
    record["tldr"] = _fill(rng, rng.choice(_TLDR), short)
    record["notes"] = notes
    if i > 0 and rng.random() < 0.5:
        record["related"] = sorted({f"{short_name(j).lower()}-{j:05d}" for j in rng.sample(range(max(0, i - 50), i), min(i, 2))})
    record["added"] = (dt.date(2026, 1, 1) + dt.timedelta(days=i % 300)).isoformat()
    return record


def short_name(i: int) -> str:
    """A unique short name per record (so titles, which contain it, are unique too): a shuffled prefix x suffix grid."""
    grid = len(_PREFIX) * len(_SUFFIX)
    cell = (i * 7919) % grid  # 7919 is prime and does not divide the grid size: a permutation of the cells
    return _PREFIX[cell % len(_PREFIX)] + _SUFFIX[cell // len(_PREFIX)] + (str(i // grid + 1) if i >= grid else "")


def to_yaml(record: dict[str, object]) -> str:
    """A record as the real files are written: every string quoted (JSON strings are YAML), notes as block scalars."""
    lines = ["# yaml-language-server: $schema=../schema/paper.schema.json"]
    for key, value in record.items():
        if key == "notes":
            lines.append("notes:")
            for part, text in value.items():  # type: ignore[attr-defined]
                lines.append(f"  {part}: |")
                lines += [f"    {line}" for line in str(text).rstrip("\n").split("\n")]
        elif isinstance(value, list) and not value:
            lines.append(f"{key}: []")
        elif isinstance(value, list):
            lines.append(f"{key}:")
            lines += [f"  - {json.dumps(v, ensure_ascii=False)}" for v in value]
        elif isinstance(value, int):
            lines.append(f"{key}: {value}")
        else:
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def generate(dest: Path, n: int, seed: int = 7) -> Path:
    """Write a project with n synthetic papers into `dest` (created; must not exist or be empty); return it."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, dirs_exist_ok=True)
        else:
            shutil.copy(src, dest / name)
    # The glossary's `papers` name real records, which the synthetic collection does not have.
    glossary = dest / "registry" / "glossary.yaml"
    if glossary.exists():
        kept = [line for line in glossary.read_text(encoding="utf-8").splitlines(keepends=True) if not line.startswith("    papers: [")]
        glossary.write_text("".join(kept), encoding="utf-8")
    papers = dest / "papers"
    papers.mkdir(exist_ok=True)
    vocab = Vocab(dest)
    plant = planted_ids(n)
    for i in range(n):
        record = paper_record(i, n, vocab, seed, plant)
        (papers / f"{record['id']}.yaml").write_text(to_yaml(record), encoding="utf-8")
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic paperkb project with N papers.")
    parser.add_argument("dest", type=Path)
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.dest, args.n, args.seed)
    print(f"wrote {args.n} papers into {args.dest}")


if __name__ == "__main__":
    main()
