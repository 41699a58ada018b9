update runs set published_at = current_timestamp where published_at is null
