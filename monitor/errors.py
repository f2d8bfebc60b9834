"""The one root error of the project and its families."""


class NewsmonError(Exception):
    """Root of every error Newsmon raises on purpose."""


class ConfigError(NewsmonError):
    """A configuration or storylines file is invalid; the message names the key."""


class BrokerError(NewsmonError):
    """The embedded Kafka broker cannot be set up, started or reached."""


class IngestError(NewsmonError):
    """A feed or article source could not be read."""


class DeliveryError(NewsmonError):
    """An alert could not be delivered to a destination."""
