"""reportkit: 政府信息公开工作年度报告 for every agency, every year, reproducibly."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("reportkit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
