"""The offline model: features, shipped weights, the decision by expected cost, training."""
