"""gkml: keep a standard government disclosure catalog (政务公开事项标准目录) as YAML in git,
validate it, score it, and publish it as a website.

The package layout is the pipeline: ``load`` → ``validate`` → ``catalog`` (gather and
cross-check) → ``check`` → ``render`` → ``publish``, with the nouns in ``model`` and
``findings``, and the command line in ``cli``.
"""

__version__ = "0.1.0"
