"""govstats: China's government information-disclosure annual reports as a clean, comparable dataset."""
__version__ = "0.1.0"
