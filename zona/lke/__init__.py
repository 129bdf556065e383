"""The LKE ZI as data and its exact scoring engine.

Pure Python, no Django: a framework tree (parsed from a YAML file) and a mapping of answers in, plain
results out. The CLI, the web, the API and the Excel importer all call this one engine.
"""

from zona.lke.answers import AnswerProblem, parse_answers
from zona.lke.framework import Framework, FrameworkInvalid, build_framework, load_framework_file
from zona.lke.scoring import ScoreResult, score

__all__ = [
    "AnswerProblem",
    "Framework",
    "FrameworkInvalid",
    "ScoreResult",
    "build_framework",
    "load_framework_file",
    "parse_answers",
    "score",
]
